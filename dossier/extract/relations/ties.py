"""Alliances and hostilities read off verbs and nouns: "fought X", "backed by X",
"drove X out", "launched action against X", "talks with X", "support to X", "part
of X", "Iran's enemies X and Y", "X, an ally of Y"."""
from __future__ import annotations

from spacy.tokens import Span, Token

from dossier.extract.relations.context import ACTORS, GROUPS, RelationContext
from dossier.model import Entity
from dossier.extract.relations.roles import role_bodies


def verb_frames(ctx: RelationContext, sent: Span) -> None:
    allied_verbs = set(ctx.cue("allied_with", "verbs"))
    allied_nouns = set(ctx.cue("allied_with", "nouns"))
    allied_phrases = ctx.cue("allied_with", "phrases")
    adversary_verbs = set(ctx.cue("adversary_of", "verbs"))
    adversary_nouns = set(ctx.cue("adversary_of", "nouns"))
    transitive_allied = set(ctx.cue("allied_with", "transitive_verbs"))
    leader_verbs = set(ctx.cue("leader_of", "verbs")) - {"found"}
    splinter_verbs = set(ctx.cue("splinter_of", "verbs"))
    lowered = sent.text.casefold()
    expulsion = set(ctx.cue("adversary_of", "expulsion_verbs"))
    accusing = set(ctx.cue("adversary_of", "accusation_verbs"))
    particles = set(ctx.cue("adversary_of", "expulsion_particles"))
    for verb in sent:
        if verb.pos_ not in ("VERB", "AUX"):
            continue
        lemma = verb.lemma_.casefold()
        driven_off = lemma in expulsion and any(
            c.dep_ in ("prt", "prep", "advmod") and c.lower_ in particles for c in verb.children)
        direct = [e for c in verb.children if c.dep_ in ("nsubj", "nsubjpass")
                  for e in ctx.entities(c, ACTORS)]
        preps = {c.lower_: [e for p in c.children if p.dep_ == "pobj"
                            for e in ctx.entities(p, ACTORS)]
                 for c in verb.children if c.dep_ in ("prep", "agent")}
        if lemma in adversary_verbs or driven_off:  # "pushed out by X"
            passive = any(c.dep_ in ("nsubjpass", "auxpass") for c in verb.children)
            if passive:  # "was crushed by X": X is the attacker
                for s in direct:
                    for o in preps.get("by", []):
                        ctx.add(o, "adversary_of", s, sent, "verb")
            else:
                # "blamed the attack on the BIFF": "on" may hang off the object.
                on_object = [e for d in verb.children if d.dep_ == "dobj"
                             for p in d.children if p.dep_ == "prep" and p.lower_ == "on"
                             for t in p.children if t.dep_ == "pobj"
                             for e in ctx.entities(t, ACTORS)]
                targets = preps.get("on", []) + on_object
                if lemma not in accusing:  # "blamed X for …" accuses X; it is no attack
                    targets = ctx.clause_objects(verb) + preps.get("with", []) + targets
                insurgent = {lemma} | {c.lemma_.casefold() for c in verb.children
                                       if c.dep_ == "xcomp"}
                on_ground = bool(insurgent & set(ctx.cue("operates_in", "insurgency_verbs")))
                for s in _speaking_for(ctx, verb):
                    for o in targets:
                        ctx.add(s, "adversary_of", o, sent, "verb")
                        if on_ground and s.type == "armed_group" and o.type == "state":
                            # fighting to overthrow a state's government, invading
                            # it: fighting in it
                            ctx.add(s, "operates_in", o, sent, "location")
        passive = any(c.dep_ in ("nsubjpass", "auxpass") for c in verb.children) or (
            verb.tag_ == "VBN" and verb.dep_ in ("acl", "relcl")
            and any(c.dep_ == "agent" for c in verb.children))
        if lemma in transitive_allied and passive:
            # "The Houthis, backed by Iran": the agent backs the subject.
            for s in ctx.clause_subjects(verb):
                for o in preps.get("by", []):
                    ctx.add(s, "allied_with", o, sent, "verb")
        if lemma in leader_verbs and not passive:
            # "Ayman al-Zawahiri, who heads al-Qaeda"
            for s in ctx.clause_subjects(verb, ("person",)):
                for o in ctx.clause_objects(verb):
                    ctx.add(s, "leader_of", o, sent, "verb")
        if lemma in splinter_verbs:
            # "The Pakistani Taliban split from the Afghan Taliban"
            for s in ctx.clause_subjects(verb, GROUPS):
                for o in preps.get("from", []) + preps.get("away", []):
                    if o.type == "armed_group":
                        ctx.add(s, "splinter_of", o, sent, "verb")
        for s in ctx.clause_subjects(verb) if preps.get("alongside") else ():
            for o in preps["alongside"]:  # "fought alongside the Syrian army"
                ctx.add(s, "allied_with", o, sent, "verb")
        if lemma in transitive_allied and not passive:
            # "Saudi Arabia and Pakistan financed X", "combined with X"; not the
            # object of the verb helped with ("helped battle X", "trained them to fight X")
            objects = ctx.clause_objects(verb, ACTORS + ("person",), complements=False) \
                + preps.get("with", [])
            for s in ctx.clause_subjects(verb):
                for o in objects:
                    ctx.add(s, "allied_with", o, sent, "verb")
        attrs = {c.lemma_.casefold() for c in verb.subtree if c.dep_ in ("pobj", "attr",
                                                                         "dobj")}
        if len(direct) > 1 and (lemma in allied_verbs or attrs & allied_nouns
                                or any(p in lowered for p in allied_phrases)):
            for i, a in enumerate(direct):
                for b in direct[i + 1:]:
                    ctx.add(a, "allied_with", b, sent, "verb")
        if len(direct) > 1 and attrs & adversary_nouns and lemma in ("be", "remain"):
            for i, a in enumerate(direct):
                for b in direct[i + 1:]:
                    ctx.add(a, "adversary_of", b, sent, "verb")
    against(ctx, sent)
    joint_action(ctx, sent)
    victims(ctx, sent)
    relational_nouns(ctx, sent)
    backing(ctx, sent)
    noun_frames(ctx, sent, adversary_nouns, ("with", "against", "on"), "adversary_of")
    noun_frames(ctx, sent, set(ctx.cue("allied_with", "support_nouns")), ("to", "for"),
                     "allied_with")
    # "cooperation with the police", "an alliance with the Taliban"
    noun_frames(ctx, sent, set(ctx.cue("allied_with", "nouns")), ("with",), "allied_with")
    # "Sweden ... as part of the US-led coalition"
    noun_frames(ctx, sent, set(ctx.cue("allied_with", "membership_nouns")), ("of",),
                "allied_with", target_types=("organization", "armed_group"), predicative=True)


def relational_nouns(ctx: RelationContext, sent: Span) -> None:
    """A noun that names one side by the other: "Iran's enemies Saudi Arabia and
    Israel", "Hezbollah, an ally of Iran", "Russia and its ally Syria", "X is a
    rival of Y", "Syrian government ally Russia", "Assad's ally Hezbollah" — a
    person may be the side named first (``relational_nouns`` in
    ``vocab/relations.yaml``)."""
    for noun in sent:
        predicate = ctx.relational_nouns.get(noun.lower_)
        if predicate is None or noun.pos_ not in ("NOUN", "PROPN"):
            continue
        owners = [e for c in noun.children if c.dep_ == "poss"
                  for e in ctx.entities(c, OWNERS)]
        owners += [e for p in noun.children if p.dep_ == "prep" and p.lower_ == "of"
                   for t in p.children if t.dep_ == "pobj" for e in ctx.entities(t, OWNERS)]
        owners += [e for c in noun.children if c.dep_ == "compound" and c.i < noun.i
                   for e in _compound_owner(ctx, c)]
        named = [e for c in noun.children if c.dep_ == "appos"
                 for e in ctx.entities(c, ACTORS)]
        if noun.i + 1 < sent.end and noun.doc[noun.i + 1].pos_ == "PROPN":
            # "ally Hezbollah": the name right after the noun, however it was parsed
            after = noun.doc[noun.i + 1]
            found = ctx.ants.at(after.idx, after.idx + len(after))
            if found is not None and found.type in ACTORS:
                named.append(found)
                named += [e for c in _name_root(ctx, after, found).conjuncts
                          for e in ctx.entities(c, ACTORS)]
        if noun.dep_ == "appos":  # "Hezbollah, an ally of Iran"
            named += ctx.entities(noun.head, ACTORS)
        elif noun.dep_ == "attr":  # "X is a rival of Y"
            named += ctx.clause_subjects(noun.head)
        for a in owners:
            for b in named:
                if a.id != b.id:
                    ctx.add(b, predicate, a, sent, "role")


def _name_root(ctx: RelationContext, token: Token, entity: Entity) -> Token:
    """The word of a name the rest of the sentence hangs on ("Arabia" of "Saudi
    Arabia"), where its conjuncts are ("allies Saudi Arabia and Israel")."""
    while token.head.i != token.i and ctx.ants.at(token.head.idx, token.head.idx
                                                  + len(token.head)) is entity:
        token = token.head
    return token


OWNERS = ACTORS + ("person",)
"""Who may have allies or enemies named by a relational noun."""


def _compound_owner(ctx: RelationContext, word: Token) -> list[Entity]:
    """The side a noun modifier names before a relational noun: a name ("Iran
    ally"), or the state a government word stands for ("Syrian government ally",
    "regime ally": the state the story is about, named most so far)."""
    found = ctx.entities(word, OWNERS)
    if found or word.pos_ != "NOUN":
        return found
    types = ctx.lexicons.descriptions.get(word.lower_, ())
    if "state" not in types:
        return []
    state = ctx.ants.most_named_before(word.idx, ("state",))
    return [state] if state is not None else []


def backing(ctx: RelationContext, sent: Span) -> None:
    """Help named by a noun under a preposition: "seized the city with the help of
    Iran", "gathered with Turkish backing", "with support from Russia" (the
    helper backs the clause's subjects); "attacks in support of IS" (the
    subjects back the one supported)."""
    nouns = set(ctx.cue("allied_with", "support_nouns"))
    for noun in sent:
        if noun.pos_ != "NOUN" or noun.dep_ != "pobj" \
                or noun.lemma_.casefold() not in nouns:
            continue
        prep = noun.head
        named = [e for p in noun.children if p.dep_ == "prep" and p.lower_ in ("of", "from")
                 for t in p.children if t.dep_ == "pobj" for e in ctx.entities(t, ACTORS)]
        if prep.lower_ in ("with", "under"):  # "with Turkish backing": the helper
            named += [e for c in noun.children if c.dep_ in ("amod", "compound", "poss", "nmod")
                      for e in ctx.entities(c, ACTORS)]
        elif prep.lower_ != "in":  # "in support of X": the one helped
            continue
        verb = ctx.clause_verb(prep)
        for s in ctx.clause_subjects(verb, OWNERS) if verb is not None else ():
            for other in named:  # allied_with is symmetric: helper and helped alike
                ctx.add(s, "allied_with", other, sent, "verb")


def _speaking_for(ctx: RelationContext, verb: Token) -> list[Entity]:
    """The clause's subjects, a spokesperson standing for the body named in
    apposition ("Arvin Encinas, spokesperson for the 6th Infantry Division,
    blamed ...")."""
    out = []
    for child in verb.children:
        if child.dep_ not in ("nsubj", "nsubjpass"):
            continue
        bodies = [e for a in child.children if a.dep_ == "appos"
                  for e in role_bodies(ctx, a) if e.type in ACTORS]
        out.extend(bodies or ctx.entities(child, ACTORS))
    return out or ctx.clause_subjects(verb)


def victims(ctx: RelationContext, sent: Span) -> None:
    """"the militants beheaded the aid worker X", "X was kidnapped by the group": an
    armed group and a person it kills, kidnaps or beheads (``victim_verbs``)."""
    verbs = set(ctx.cue("adversary_of", "victim_verbs"))
    for verb in sent:
        if verb.pos_ != "VERB" or verb.lemma_.casefold() not in verbs:
            continue
        if any(c.dep_ in ("nsubjpass", "auxpass") for c in verb.children):
            people = [e for c in verb.children if c.dep_ == "nsubjpass"
                      for e in ctx.entities(c, ("person",))]
            groups = ctx.agents(verb, GROUPS)
        else:
            groups = ctx.clause_subjects(verb, GROUPS)
            people = ctx.clause_objects(verb, ("person",), complements=False)
        for group in groups:
            for person in people:
                ctx.add(group, "adversary_of", person, sent, "verb")


def against(ctx: RelationContext, sent: Span) -> None:
    """"launch military action against HTS", "closing ranks against adversaries
    like ISIS-K": the clause's subjects against the named ones; "the US-led
    coalition against IS": the body the words describe."""
    for prep in sent:
        if prep.lower_ != "against" or prep.dep_ != "prep":
            continue
        holder = ctx.entity(prep.head, ACTORS)
        verb = ctx.clause_verb(prep.head)
        if verb is None and holder is None:
            continue
        targets = []
        for pobj in (c for c in prep.children if c.dep_ == "pobj"):
            found = ctx.entities(pobj, ACTORS)
            if not found:  # "adversaries like X", "rivals such as X"
                found = [e for p in pobj.children if p.lower_ in ("like", "including", "as")
                         for t in p.children if t.dep_ == "pobj"
                         for e in ctx.entities(t, ACTORS)]
            targets.extend(found)
        for s in [holder] if holder is not None else ctx.clause_subjects(verb):
            for o in targets:
                ctx.add(s, "adversary_of", o, sent, "verb")


def joint_action(ctx: RelationContext, sent: Span) -> None:
    """"Chad, Niger and Nigeria agreed to set up a joint task force", "the foreign
    ministers of Kenya and Uganda pledged to act together": sides named together as
    the subject of a clause that says they act jointly (``joint_words``) are allies."""
    joint = set(ctx.cue("allied_with", "joint_words"))
    for verb in sent:
        if verb.pos_ not in ("VERB", "AUX"):
            continue
        subjects = [c for c in verb.children if c.dep_ == "nsubj"]
        if not subjects:
            continue
        if not any(t.lower_ in joint for t in _own_clause(verb)):
            continue
        sides: list[Entity] = []
        for subject in subjects:
            named = ctx.entities(subject, ACTORS)
            if len(named) < 2 and subject.pos_ == "NOUN":
                # "the defence ministers of A, B and C": the bodies they speak for
                named = [e for p in subject.children if p.dep_ == "prep" and p.lower_ == "of"
                         for t in p.children if t.dep_ == "pobj"
                         for e in ctx.entities(t, ACTORS)]
            sides += [e for e in named if e not in sides]
        for i, a in enumerate(sides):
            for b in sides[i + 1:]:
                ctx.add(a, "allied_with", b, sent, "verb")


def _own_clause(verb: Token) -> list[Token]:
    """The words of a verb's clause past its subject, not those of another
    clause with a subject of its own ("…, while Y jointly runs …")."""
    out, stack = [], [c for c in verb.children if c.dep_ != "nsubj"]
    while stack:
        tok = stack.pop()
        if tok.pos_ in ("VERB", "AUX") and any(c.dep_ in ("nsubj", "nsubjpass")
                                               for c in tok.children):
            continue
        out.append(tok)
        stack.extend(tok.children)
    return out


def _says_what_subject_is(noun: Token) -> bool:
    """"X is a member of Y" (the noun is the copula's attribute); "X trains troops
    as part of Y" (the object of "as")."""
    return noun.dep_ == "attr" or (noun.dep_ == "pobj" and noun.head.lower_ == "as")


def _owned_by_clause(noun: Token) -> bool:
    """True when the clause's subject is the one doing what ``noun`` names:
    "launched attacks on X", "X is in talks with Y", "stepped up the tempo of
    strikes"; not "in the wake of the attacks on X"."""
    if noun.dep_ in ("dobj", "nsubj", "attr"):
        return True
    if noun.dep_ != "pobj":
        return False
    prep = noun.head
    if prep.head.lemma_ == "be" and prep.head.pos_ == "AUX":
        return True  # "is in talks with"
    return prep.lower_ == "of" and prep.head.dep_ == "dobj"


def noun_frames(ctx: RelationContext, sent: Span, nouns: set[str], preps: tuple[str, ...],
                predicate: str, target_types: tuple[str, ...] = ACTORS,
                predicative: bool = False) -> None:
    """"peace talks with the government", "a Turkish offensive on Afrin",
    "technical support to the MILF": the noun's owner (a modifier, else the
    clause's subject) and the object of its preposition. A ``predicative`` noun
    counts only where it says what the subject is ("X is a member of Y", "X, as
    part of Y"), not where it is acted on ("killing members of Y")."""
    for noun in sent:
        if noun.pos_ != "NOUN" or noun.lemma_.casefold() not in nouns:
            continue
        if predicative and not _says_what_subject_is(noun):
            continue
        # The preposition hangs off the noun, or off the verb that gives it
        # ("providing support to the AFP").
        holders = [noun] + ([noun.head] if noun.dep_ == "dobj" else [])
        targets = [e for h in holders for p in h.children
                   if p.dep_ in ("prep", "dative") and p.lower_ in preps
                   for t in p.children if t.dep_ == "pobj"
                   for e in ctx.entities(t, target_types)]
        owners = [e for c in noun.children if c.dep_ in ("compound", "amod", "poss", "nmod")
                  for e in ctx.entities(c, ACTORS)]
        # "attacks by Somali forces"
        owners += [e for p in noun.children if p.dep_ == "prep" and p.lower_ == "by"
                   for t in p.children if t.dep_ == "pobj" for e in ctx.entities(t, ACTORS)]
        if not owners and (_owned_by_clause(noun) or predicative):
            # "launched attacks on X", "held talks with X"; not "in the wake of
            # the attacks on X", where the clause's subject did not attack.
            verb = ctx.clause_verb(noun)
            owners = ctx.clause_subjects(verb) if verb is not None else []
        if not targets and predicate == "adversary_of" and owners and all(
                o.type != "armed_group" for o in owners) and noun.lemma_.casefold() in \
                set(ctx.cue("adversary_of", "strike_nouns")):
            # "US airstrikes wreaked havoc": strikes by a state hit the group in focus.
            focus = ctx.ants.before(noun.idx, ("armed_group",))
            targets = [focus] if focus is not None else []
        for s in owners:
            for o in targets:
                ctx.add(s, predicate, o, sent, "verb")
        if predicate == "adversary_of":
            # "clashes between Taliban fighters and Afghan forces": the two sides.
            sides = [e for p in noun.children if p.dep_ == "prep" and p.lower_ == "between"
                     for t in p.children if t.dep_ == "pobj" for e in ctx.entities(t, ACTORS)]
            for i, a in enumerate(sides):
                for b in sides[i + 1:]:
                    if a.id != b.id:
                        ctx.add(a, predicate, b, sent, "verb")
