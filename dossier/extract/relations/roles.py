"""Role frames and their kin: who leads, serves, speaks for or belongs to whom
("X, analyst at Y", "Y's leader X", "led by X", "pledged allegiance to Y",
"affiliated with Y")."""
from __future__ import annotations

import re

from spacy.tokens import Span, Token

from dossier.extract.relations.context import ROLE_PREPS, ACTORS, GROUPS, RelationContext
from dossier.model import Entity


def role_frames(ctx: RelationContext, sent: Span) -> None:
    roles = {p: set(ctx.cue(p, "nouns")) for p in ("leader_of", "member_of", "works_for",
                                                    "affiliate_of", "splinter_of")}
    all_roles = set().union(*roles.values())
    kinds = roles["splinter_of"] | roles["affiliate_of"]
    found: dict[tuple[Entity, Entity], set[str]] = {}
    for noun in sent:
        lemma = noun.lemma_.casefold()
        if noun.pos_ not in ("NOUN", "PROPN") or (lemma not in all_roles
                                                  and noun.lower_ not in all_roles
                                                  and not _kind_before(noun, kinds)):
            continue
        inside = ctx.ants.at(noun.idx, noun.idx + len(noun))
        if inside is not None and inside.type != "person":
            continue  # part of a name ("Islamic State Khorasan Province"), not a title
        holders = _holders(ctx, noun)
        bodies = role_bodies(ctx, noun)
        for holder in holders:
            for body in bodies:
                predicate = _role_predicate(ctx, noun, holder, body, roles)
                if predicate and predicate != "leader_of" and _ended(ctx, noun, predicate):
                    continue  # "a former member of X": a tie that is over
                if predicate:
                    found.setdefault((holder, body), set()).add(predicate)
    for (holder, body), predicates in found.items():
        # "Police Chief General X": the rank and the leader noun name one role, the higher
        ctx.add(holder, min(predicates, key=_ROLE_RANK.index), body, sent, "role")


def _kind_before(noun: Token, kinds: set[str]) -> str | None:
    """The word right before a noun that says what kind of offshoot it names ("a
    splinter group of X", "a breakaway faction of X")."""
    before = noun.doc[noun.i - 1] if noun.i else None
    if before is not None and before.head.i == noun.i and before.dep_ in ("compound", "amod") \
            and before.lower_ in kinds:
        return before.lower_
    return None


_ROLE_RANK = ("leader_of", "splinter_of", "affiliate_of", "member_of", "works_for")
"""Role predicates from the highest role to the lowest: one sentence that names a
person's role in a body twice ("Police Chief General X") gives the highest."""


def _ended(ctx: RelationContext, noun: Token, predicate: str) -> bool:
    """True when the role noun says the role is over ("former", "ex-")."""
    ended = set(ctx.cue(predicate, "ended"))
    return any(c.dep_ in ("amod", "advmod", "compound") and c.lower_.rstrip("-") in ended
               for c in noun.children)


def _holders(ctx: RelationContext, noun: Token) -> list[Entity]:
    """Who holds the role: the name the role noun is in apposition with or names."""
    candidates = []
    if noun.dep_ in ("appos", "compound", "attr") or noun.head.dep_ == "appos":
        candidates.append(noun.head)
    candidates.extend(c for c in noun.children if c.dep_ == "appos")
    if noun.dep_ == "attr":  # "X is the leader of Y"
        candidates.extend(c for c in noun.head.children if c.dep_ in ("nsubj", "nsubjpass"))
    if noun.dep_ == "pobj" and noun.head.lower_ == "as":  # "X worked as a member of Y"
        verb = ctx.clause_verb(noun.head)
        if verb is not None:
            return ctx.clause_subjects(verb, ("person",))
    # "the leader of X, Y": the parser hangs Y on X; Y is the role's holder where it
    # names someone else
    for prep in noun.children:
        if prep.dep_ == "prep" and prep.lower_ == "of":
            for body in (c for c in prep.children if c.dep_ == "pobj"):
                own = ctx.entity(body, ACTORS)
                candidates.extend(a for a in body.children if a.dep_ == "appos"
                                  and ctx.entity(a, ("person", "armed_group")) not in (None, own))
    out = []
    after = _person_right_after(ctx, noun)
    plural = noun.tag_ in ("NNS", "NNPS")
    if after is not None:
        out.append(after)
        if plural:  # "al-Shabaab commanders X, Y and Z": the names listed after the first
            name = next(t for t in noun.doc[noun.i + 1:]
                        if ctx.ants.at(t.idx, t.idx + len(t)) is after)
            while name.dep_ == "compound" and name.head.i != name.i:
                name = name.head
            out.extend(e for e in ctx.entities(name, ("person",)) if e not in out)
    for tok in candidates:
        # "the group's commanders X, Y and Z": each; "French President A and Chadian
        # President B": only the one the singular title stands before.
        found = ctx.entities(tok, ("person", "armed_group")) if plural else \
            [e for e in [ctx.entity(tok, ("person", "armed_group"))] if e is not None]
        for ent in found:
            if ent not in out:
                out.append(ent)
    return out


MAX_TITLE_WORDS = 3
"""Capitalised words a person's name may stand behind after a role noun ("spokesman
Insp. Gen. John Mwangi")."""


def _person_right_after(ctx: RelationContext, noun: Token) -> Entity | None:
    """The person named right after a role noun, however the parser tied them
    ("Helmand provincial council member Abdul Majid Akhund said": the parse
    makes the noun the subject of a misread verb)."""
    doc = noun.doc
    for tok in doc[noun.i + 1:min(len(doc), noun.i + 1 + MAX_TITLE_WORDS)]:
        found = ctx.ants.at(tok.idx, tok.idx + len(tok))
        if found is not None:
            return found if found.type == "person" else None
        if not tok.text[:1].isupper():
            return None
    return None


def role_bodies(ctx: RelationContext, noun: Token) -> list[Entity]:
    """The body the role is in: "of/at/for X", "X's", or a name before the noun;
    one step deeper for "chief of the press office of X"."""
    out: list[Entity] = []
    for child in noun.children:
        if child.dep_ == "prep" and child.lower_ in ROLE_PREPS:
            for pobj in child.children:
                if pobj.dep_ != "pobj":
                    continue
                found = ctx.entities(pobj, ACTORS)
                if not found:
                    found = [e for p in pobj.children if p.dep_ == "prep"
                             and p.lower_ == "of" for o in p.children if o.dep_ == "pobj"
                             for e in ctx.entities(o, ACTORS)]
                if ctx.ants.at(pobj.idx, pobj.idx + len(pobj)) is None:
                    # "chief of the press office of X": X is one step away.
                    ctx.nested.update(e.id for e in found)
                out.extend(found)
        elif child.dep_ in ("compound", "poss", "nmod", "amod"):
            # "Abu Sayyaf and Islamic State leader X": each body listed before
            out.extend(e for e in ctx.entities(child, ACTORS) if e not in out)
    if not out:
        out.extend(_office_of_title(ctx, noun))
    if noun.dep_ == "compound" and not out:
        # A flat chain of names ("Nigerian Police Chief General X"): the words before
        # the noun hang off the same head.
        out.extend(e for c in noun.head.children
                   if c.dep_ in ("compound", "amod", "poss") and c.i < noun.i
                   for e in ctx.entities(c, ACTORS) if e not in out)
    if any(e.type != "state" for e in out):
        # "Oxfam's Chad director": the state is the director's scope, not a body
        out = [e for e in out if e.type != "state"]
    return out


def _office_of_title(ctx: RelationContext, noun: Token) -> list[Entity]:
    """"Interior Minister X" → the Interior Ministry (or Ministry of the Interior)
    the document names: the words before a title (``title_offices``) that spell
    the office it heads."""
    office = dict(pair.split() for pair in ctx.cue("leader_of", "title_offices")
                  ).get(noun.lower_)
    if office is None:
        return []
    words = [c.lower_ for c in noun.children
             if c.dep_ in ("compound", "amod", "nmod") and c.i < noun.i and c.pos_ != "DET"]
    if not words:
        return []
    field = " ".join(words[-2:]) if len(words) > 1 else words[0]
    names = {f"{field} {office}", f"{office} of {field}", f"{office} of the {field}",
             f"{words[-1]} {office}", f"{office} of {words[-1]}", f"{office} of the {words[-1]}"}
    return [e for e in ctx.ants.by_id.values() if e.type == "organization"
            and any(e.name.casefold().endswith(n) or e.name.casefold().startswith(n)
                    for n in names)][:1]


def _role_predicate(ctx: RelationContext, noun: Token, holder: Entity, body: Entity,
                    roles: dict[str, set[str]]) -> str | None:
    words = {noun.lemma_.casefold(), noun.lower_}
    # "prime minister", "supreme leader": a two-word title; "splinter group": the kind
    words |= {f"{c.lower_} {noun.lower_}" for c in noun.children
              if c.i == noun.i - 1 and c.dep_ in ("amod", "compound")}
    kind = _kind_before(noun, roles["splinter_of"] | roles["affiliate_of"])
    if kind:
        words.add(kind)
    if holder.type == "armed_group":
        if body.type == "armed_group" and words & roles["splinter_of"]:
            return "splinter_of"
        if body.type == "armed_group" and words & roles["affiliate_of"]:
            return "affiliate_of"
        if body.type == "organization" and words & (roles["affiliate_of"] - {"member", "ally"}):
            return "affiliate_of"  # "the party's armed wing, X"; not "a member of the coalition"
        return None
    nested = body.id in ctx.nested
    if words & roles["leader_of"] and not nested:
        if _narrowed(ctx, noun, body):  # "deputy commander", "Kivu chief"
            return "member_of" if body.type == "armed_group" else "works_for"
        return "leader_of"
    if body.type == "organization" and not nested and words & set(ctx.cue(
            "leader_of", "organization_nouns")):
        # "6th Infantry Division commander X"; a deputy minister works for the ministry
        return "works_for" if _narrowed(ctx, noun, body) else "leader_of"
    if body.type == "armed_group" and words & roles["member_of"]:
        return "member_of"
    if body.type == "organization" and words & roles["works_for"]:
        return "works_for"
    return None


def _narrowed(ctx: RelationContext, noun: Token, body: Entity) -> bool:
    """True when a word before a leader noun makes the role a lesser one in
    ``body``: a deputy's, a unit's, a region's ("deputy commander", "cell
    leader", "the group's Kivu chief", "Oxfam's Chad director";
    ``narrowing_words`` in ``vocab/relations.yaml``), or a region "for" which the
    role is held."""
    narrowing = set(ctx.cue("leader_of", "narrowing_words"))
    for child in noun.children:
        if child.dep_ not in ("amod", "compound", "nmod") or child.i > noun.i:
            continue
        if child.lower_.rstrip("-") in narrowing:
            return True
        place = ctx.ants.at(child.idx, child.idx + len(child))
        if place is not None and place.type in ("place", "state") and place.id != body.id:
            return True
    # "the group's emir for the Sahel": a region's leader, after the noun
    return any(p.dep_ == "prep" and p.lower_ == "for" and e.id != body.id
               for p in noun.children for o in p.children if o.dep_ == "pobj"
               for e in ctx.entities(o, ("place", "state")))


def led_by(ctx: RelationContext, sent: Span) -> None:
    """"The faction led by X" (``passive_verbs``), "under the leadership of X": X
    leads the group."""
    passive = set(ctx.cue("leader_of", "passive_verbs"))
    for tok in sent:
        if tok.lemma_.casefold() in passive and tok.pos_ == "VERB":
            leaders = ctx.agents(tok, ("person",))
            if not leaders:
                continue
            led = ctx.clause_subjects(tok)  # "the faction led by X", "which is led by X"
            for leader in leaders:
                for group in led:
                    ctx.add(leader, "leader_of", group, sent, "role")
        elif tok.lower_ == "leadership" and tok.head.lower_ == "under":
            leaders = [e for p in tok.children if p.lower_ == "of"
                       for o in p.children if o.dep_ == "pobj"
                       for t in o.subtree for e in ctx.entities(t, ("person",))]
            verb = ctx.clause_verb(tok.head)
            groups = ctx.clause_subjects(verb, GROUPS) if verb is not None else []
            for leader in dict.fromkeys(leaders):
                for group in groups:
                    ctx.add(leader, "leader_of", group, sent, "role")


def pledges(ctx: RelationContext, sent: Span) -> None:
    """"X pledged allegiance to Y": a group becomes Y's affiliate, a person its
    member. Read off the words, which the parser often gets wrong here."""
    verbs = set(ctx.cue("affiliate_of", "verbs"))
    forms = "|".join(sorted({f"{v}\\w*" for v in verbs} | {"swore", "sworn"}))
    for match in re.finditer(rf"\b(?:{forms})\s+(?:its\s+|their\s+|his\s+)?"
                             r"(?:allegiance|loyalty|fealty)\s+to\b", sent.text, re.I):
        start = sent.start_char + match.start()
        end = sent.start_char + match.end()
        verb = ctx.doc.char_span(start, end, alignment_mode="expand")[0]
        to = ctx.doc.char_span(end - 2, end, alignment_mode="expand")[-1]
        # The parse where it holds ("the Al-Qaeda-linked Support Group": the group,
        # not the name in its modifier), else the nearest names around the words.
        after = [e for t in to.children if t.dep_ == "pobj" for e in ctx.entities(t, ACTORS)] \
            or ctx.ants.in_span(end, min(sent.end_char, end + 80), ACTORS)[:1]
        before = ctx.clause_subjects(verb, ("armed_group", "person")) \
            or ctx.ants.in_span(sent.start_char, start, ("armed_group", "person"))[-1:]
        child = before[0] if before else ctx.ants.before(start, ("armed_group",))
        if not after or child is None:
            continue
        predicate = "member_of" if child.type == "person" else "affiliate_of"
        ctx.add(child, predicate, after[0], sent, "verb")


def joining(ctx: RelationContext, sent: Span) -> None:
    """"X joined the Islamic State", "X was fighting for al-Shabaab": a person who
    joins, serves or fights for an armed group is its member (``member_of`` verbs and
    ``verb_preps``)."""
    verbs = set(ctx.cue("member_of", "verbs"))
    verb_preps = {tuple(p.split()) for p in ctx.cue("member_of", "verb_preps")}
    for verb in sent:
        if verb.pos_ != "VERB":
            continue
        lemma = verb.lemma_.casefold()
        groups = ctx.clause_objects(verb, ("armed_group",), complements=False) \
            if lemma in verbs else []
        groups += [e for p in verb.children if p.dep_ == "prep" and (lemma, p.lower_) in verb_preps
                   for o in p.children if o.dep_ == "pobj"
                   for e in ctx.entities(o, ("armed_group",))]
        if not groups or _ended(ctx, verb, "member_of"):
            continue
        for person in ctx.clause_subjects(verb, ("person",)):
            for group in groups:
                ctx.add(person, "member_of", group, sent, "verb")


def affiliations(ctx: RelationContext, sent: Span) -> None:
    """"an FTO affiliated with al-Qaeda", "a group linked to IS"."""
    for tok in sent:
        if tok.lower_ in ("aligned", "backed", "linked", "allied") and tok.i > 0 \
                and ctx.doc[tok.i - 1].text != "-":
            # "the Al-Qaeda aligned Shabaab group" (the hyphen left out)
            patron = ctx.entity(ctx.doc[tok.i - 1], ACTORS)
            client = ctx.entities(tok.head, ACTORS) if tok.dep_ in ("amod", "acl") else []
            for c in client:
                ctx.add(c, "allied_with", patron, sent, "hyphen")
        if tok.lower_ not in ("affiliated", "aligned") or tok.i + 1 >= len(ctx.doc):
            continue
        targets = [e for p in tok.children if p.lower_ in ("with", "to")
                   for o in p.children if o.dep_ == "pobj" for e in ctx.entities(o, ACTORS)]

        def named(token: Token) -> list[Entity]:
            # "a group affiliated with X" stands for X elsewhere; here it is the other side
            return [e for e in ctx.entities(token, GROUPS) if e not in targets]
        holder = tok.head
        while holder.dep_ == "appos" and holder.head.i != holder.i and not named(holder):
            holder = holder.head
        holders = named(holder) or ctx.clause_subjects(tok, GROUPS)
        predicate = "affiliate_of" if tok.lower_ == "affiliated" else "allied_with"
        for h in holders:
            for t in targets:
                ctx.add(h, predicate, t, sent, "verb")


def people_of(ctx: RelationContext, sent: Span) -> None:
    """"Sarah Lane and Tom Reyes of the International Crisis Group",
    "Mullah Omar of the Taliban": a person's name with "of"/"at" a body and no role
    noun between; the people coordinated before the name share it."""
    for prep in sent:
        if prep.dep_ != "prep" or prep.lower_ not in ("of", "at") or prep.head.pos_ != "PROPN":
            continue
        person = ctx.ants.at(prep.head.idx, prep.head.idx + len(prep.head))
        if person is None or person.type != "person":
            continue
        bodies = [e for o in prep.children if o.dep_ == "pobj"
                  for e in ctx.entities(o, ("organization", "armed_group"))]
        people = [person] + [e for c in prep.head.conjuncts if c.i < prep.head.i
                             for e in [ctx.ants.at(c.idx, c.idx + len(c))]
                             if e is not None and e.type == "person"]
        for holder in people:
            for body in bodies:
                predicate = "member_of" if body.type == "armed_group" else "works_for"
                ctx.add(holder, predicate, body, sent, "role")
