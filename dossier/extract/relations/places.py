"""Where groups operate and bodies are based: locative phrases, held ground,
"X-based", "based in X", and the hyphenated backing cues ("Turkish-backed")."""
from __future__ import annotations

from spacy.tokens import Span, Token

from dossier.extract.relations.context import (MAX_CLIMB, ACTORS, GROUPS, PLACES,
                                               RelationContext)
from dossier.model import Entity


def hyphen_cues(ctx: RelationContext, sent: Span) -> None:
    """"New York-based", "Turkish-backed", "IS-linked", "the pro-IS X group"."""
    _pro_prefixes(ctx, sent)
    suffixes = {p: ctx.cue(p, "suffixes") for p in ("based_in", "allied_with", "affiliate_of")}
    for tok in sent:
        if tok.text != "-" or tok.i + 1 >= len(ctx.doc):
            continue
        word = "-" + ctx.doc[tok.i + 1].lower_
        predicate = next((p for p, sfx in suffixes.items() if word in sfx), None)
        if predicate is None or tok.i == 0:
            continue
        before = ctx.doc[tok.i - 1]
        first = ctx.entity(before, PLACES if predicate == "based_in" else ACTORS)
        modified = ctx.doc[tok.i + 1].head
        types = ("organization", "armed_group") if predicate == "based_in" else ACTORS
        target = ctx.entity(modified, types)
        if target is None and modified.dep_ == "appos":
            target = ctx.entity(modified.head, types)
        if target is None:  # "IS-affiliated Abu Sayyaf fighters", "the Kenya-based militia X"
            target = next((e for c in modified.children if c.dep_ in ("compound", "appos")
                           for e in [ctx.entity(c, types)] if e not in (None, first)), None)
        if target is None:
            continue
        _add_base(ctx, target, predicate, first, sent)
    for tok in sent:
        # "the Center for Strategic and International Studies in Washington"
        org = ctx.ants.at(tok.idx, tok.idx + len(tok))
        if org is not None and org.type == "organization" and tok.dep_ != "compound":
            for p in tok.children:
                if p.dep_ == "prep" and p.lower_ == "in":
                    for o in p.children:
                        if o.dep_ == "pobj":
                            for place in ctx.entities(o, ("place",)):
                                ctx.add(org, "based_in", place, sent, "hyphen")
    based_words = set(ctx.cue("based_in", "words"))
    for tok in sent:
        if tok.lower_ in based_words and any(c.lower_ == "in" for c in tok.children):
            places = [e for c in tok.children if c.lower_ == "in"
                      for p in c.children if p.dep_ == "pobj" for e in ctx.entities(p, PLACES)]
            subjects = [e for c in tok.head.children if c.dep_ in ("nsubj", "nsubjpass")
                        for e in ctx.entities(c, ("organization", "armed_group"))]
            if tok.dep_ in ("acl", "amod"):
                subjects += ctx.entities(tok.head, ("organization", "armed_group"))
                if not subjects and tok.head.dep_ == "appos":  # "X, a group based in Y"
                    subjects += ctx.entities(tok.head.head, ("organization", "armed_group"))
            for s in subjects:
                for p in places:
                    _add_base(ctx, s, "based_in", p, sent)


def _pro_prefixes(ctx: RelationContext, sent: Span) -> None:
    """"the pro-Islamic State Katiba Macina group": the group named in the phrase sides
    with the one after "pro-" (``prefixes``)."""
    prefixes = set(ctx.cue("allied_with", "prefixes"))
    doc = ctx.doc
    for tok in sent:
        if tok.lower_ not in prefixes or tok.i + 2 >= len(doc) or doc[tok.i + 1].text != "-":
            continue
        after = doc[tok.i + 2]
        patron = ctx.ants.at(after.idx, after.idx + len(after)) or ctx.entity(after, ACTORS)
        if patron is None or patron.type not in ACTORS:
            continue
        noun = tok.head  # the phrase's head noun, its names the clients
        clients = [e for t in noun.subtree if tok.i + 2 < t.i <= noun.i
                   for e in [ctx.ants.at(t.idx, t.idx + len(t))]
                   if e is not None and e != patron and e.type in GROUPS]
        for client in dict.fromkeys(clients):
            ctx.add(client, "allied_with", patron, sent, "hyphen")


def _add_base(ctx: RelationContext, body: Entity, predicate: str, other: Entity | None,
              sent: Span) -> None:
    """Add the tie; an armed group based somewhere also operates there (readers
    annotate "a Kunar-based militia" either way)."""
    ctx.add(body, predicate, other, sent, "hyphen")
    if predicate == "based_in" and body.type == "armed_group":
        ctx.add(body, "operates_in", other, sent, "location")


def locations(ctx: RelationContext, sent: Span) -> None:
    """Armed groups and the places their clause puts them in.

    From a place or state that is the object of a locative preposition ("in
    Iraq and Syria", "parts of Syria", "from Syria"), climb through the noun
    phrases it sits in: a noun on the way that stands for an armed group owns
    the place ("ISIS-K in Afghanistan", "ISIS affiliates like the Sahel");
    else the first verb's subjects and objects do, climbing through
    subjectless verbs ("to try to control trafficking in the departments of
    Arauca" → the group that tries). A demonym on a place word there stands for
    its state ("attacks in other Libyan towns"). A place that is the subject of a
    passive ("Idlib is held by HTS") goes to the agent.
    """
    place_nouns = set(ctx.cue("operates_in", "place_nouns")) | ctx.shapes.place_admin_words
    support = set(ctx.cue("allied_with", "support_nouns"))
    for tok in sent:
        head = tok
        # "in Iraq and Syria", "in the Idlib region", "in the town Bulamarer": climb to
        # the preposition's object; a name modifying another noun or in apposition to
        # it counts only when that noun is a place word ("Idlib region", not "a U.S.
        # strike").
        while head.dep_ in ("conj", "compound", "nmod", "appos", "poss") \
                and head.head.i != head.i:
            # "along Chad's borders", "in Mali's north": a possessive on a place word
            if head.dep_ != "conj" and head.head.lemma_.casefold() not in place_nouns:
                break
            head = head.head
        if not (head.dep_ == "pobj" and head.head.lower_ in ctx.location_preps):
            continue
        if head.head.lower_ == "from" and head.head.head.pos_ in ("NOUN", "PROPN"):
            continue  # "troops from Uganda": where people come from, not a front
        if head.head.lower_ == "of" and (head.head.head.lower_ in ctx.relational_nouns
                                         or head.head.head.lemma_.casefold() in support):
            continue  # "an ally of Iran", "the help of Iran": a side, not a place
        place = ctx.ants.at(tok.idx, tok.idx + len(tok))
        if place is None and tok.pos_ == "NOUN":
            place = ctx.entity(tok, ("state",))  # "attacks in the kingdom", "the country"
        if place is None or place.type not in PLACES or _in_hyphen_compound(ctx, tok):
            continue
        for group in _owners(ctx, head.head):
            ctx.add(group, "operates_in", place, sent, "location")
    for tok in sent:
        # "attacks in Tripoli and other Libyan towns", "on Afghan soil": a demonym on a
        # place word is its state
        if tok.dep_ != "amod" or tok.head.lemma_.casefold() not in place_nouns:
            continue
        noun = tok.head
        while noun.dep_ == "conj" and noun.head.i != noun.i:
            noun = noun.head
        if not (noun.dep_ == "pobj" and noun.head.lower_ in ctx.location_preps):
            continue
        state = ctx.ants.state_by_demonym(tok)
        if state is not None:
            for group in _owners(ctx, noun.head):
                ctx.add(group, "operates_in", state, sent, "location")
    holding = set(ctx.cue("operates_in", "holding_verbs"))
    for verb in sent:
        if verb.pos_ != "VERB":
            continue
        if verb.lemma_.casefold() in holding and not any(
                c.dep_ in ("nsubjpass", "auxpass") for c in verb.children):
            # "The NLF, which holds half of the Idlib region"
            held = [e for c in verb.children if c.dep_ == "dobj"
                    for e in ctx.ants.in_span(c.left_edge.idx,
                                               c.right_edge.idx + len(c.right_edge), PLACES)]
            for g in ctx.clause_subjects(verb, GROUPS):
                for p in held:
                    ctx.add(g, "operates_in", p, sent, "location")
        places = [e for c in verb.children if c.dep_ == "nsubjpass"
                  for e in ctx.entities(c, PLACES)]
        # "Mogadishu is hit by attacks carried out by the Shabaab": any agent below.
        holders = [e for c in verb.children if c.dep_ == "agent"
                   for t in c.subtree if t.dep_ == "pobj" and t.head.dep_ == "agent"
                   for e in ctx.entities(t, GROUPS)]
        for g in holders:
            for p in places:
                ctx.add(g, "operates_in", p, sent, "location")
    _enclosing_places(ctx, sent)
    _national_groups(ctx, sent)
    _where_clauses(ctx, sent)
    _event_places(ctx, sent)
    _home_to(ctx, sent)
    _possessive_states(ctx, sent)


def _possessive_states(ctx: RelationContext, sent: Span) -> None:
    """"Somalia's al-Shabaab": a state owning an armed group's name is where it fights."""
    for tok in sent:
        if tok.dep_ != "poss":
            continue
        state = ctx.entity(tok, ("state",))
        group = ctx.ants.at(tok.head.idx, tok.head.idx + len(tok.head))
        if state is not None and group is not None and group.type in GROUPS:
            ctx.add(group, "operates_in", state, sent, "location")


def _home_to(ctx: RelationContext, sent: Span) -> None:
    """"the Kunar valley, home to Islamic State fighters", "Kunar is home to X": the
    place is where the group operates."""
    for home in sent:
        if home.lower_ != "home" or home.pos_ != "NOUN":
            continue
        groups = [e for p in home.children if p.dep_ == "prep" and p.lower_ == "to"
                  for o in p.children if o.dep_ == "pobj" for e in ctx.entities(o, GROUPS)]
        if not groups:
            continue
        first = home
        while first.dep_ == "conj" and first.head.i != first.i:
            first = first.head
        if first.dep_ == "appos":
            places = ctx.entities(first.head, PLACES)
        elif first.dep_ == "attr":
            places = [e for c in first.head.children if c.dep_ == "nsubj"
                      for e in ctx.entities(c, PLACES)]
        else:
            places = []
        if not places and home.i >= 2 and ctx.doc[home.i - 1].text == ",":
            # the parser often hangs ", home to X" on the verb: the name before the comma
            places = ctx.entities(ctx.doc[home.i - 2], PLACES)
        for group in groups:
            for place in places:
                ctx.add(group, "operates_in", place, sent, "location")


def _event_places(ctx: RelationContext, sent: Span) -> None:
    """"the Kidal siege by Ansar Dine", "the Kismayo bombing was claimed by
    al-Shabaab": a place naming an act of war (``event_nouns``) is where the group
    that did it operates."""
    nouns = set(ctx.cue("operates_in", "event_nouns"))
    for tok in sent:
        event = tok.head
        if tok.dep_ not in ("compound", "nmod") or event.lemma_.casefold() not in nouns:
            continue
        place = ctx.ants.at(tok.idx, tok.idx + len(tok))
        if place is None or place.type not in PLACES:
            continue
        doers = [e for p in event.children if p.dep_ == "prep" and p.lower_ in ("by", "of")
                 for o in p.children if o.dep_ == "pobj" for e in ctx.entities(o, GROUPS)]
        doers += [e for c in event.children if c.dep_ in ("poss", "compound") and c.i != tok.i
                  for e in ctx.entities(c, GROUPS)]
        if event.dep_ == "nsubjpass":  # "… was claimed by X"
            doers += ctx.agents(event.head, GROUPS)
        for group in dict.fromkeys(doers):
            ctx.add(group, "operates_in", place, sent, "location")


def _where_clauses(ctx: RelationContext, sent: Span) -> None:
    """"Kismayo, the port city where al-Shabaab still collects taxes": a group acting
    in a clause that "where" hangs on a place operates in that place."""
    for tok in sent:
        if tok.lower_ != "where" or tok.tag_ != "WRB" or tok.head.dep_ != "relcl":
            continue
        verb = tok.head
        noun = verb.head
        places = ctx.entities(noun, PLACES)
        if not places and noun.dep_ == "appos":  # "Kismayo, the port city where …"
            places = ctx.entities(noun.head, PLACES)
        groups = [e for c in verb.children if c.dep_ in ("nsubj", "nsubjpass", "dobj")
                  for e in ctx.entities(c, GROUPS)]
        groups += ctx.agents(verb, GROUPS)
        for group in groups:
            for place in places:
                ctx.add(group, "operates_in", place, sent, "location")


def _national_groups(ctx: RelationContext, sent: Span) -> None:
    """"the Malian branch of the group, Katiba Macina", "the Somali
    militant group al-Shabaab": a state's demonym on a noun for an armed body that
    stands for a group (``body_nouns``) puts the group in that state. Not on nouns for
    people ("two British Islamic State militants": their nationality), nor in a
    hyphenated word ("Iranian-backed militia")."""
    body_nouns = set(ctx.cue("operates_in", "body_nouns"))
    for tok in sent:
        noun = tok.head
        if tok.dep_ != "amod" or noun.lemma_.casefold() not in body_nouns \
                or (tok.i + 1 < len(ctx.doc) and ctx.doc[tok.i + 1].text == "-"):
            continue
        state = ctx.ants.state_by_demonym(tok)
        if state is None:
            continue
        # the group the noun stands for, and the one named in apposition to it ("Ansar
        # Dine, a Malian separatist group"; "the Malian branch of X, Katiba Macina")
        named = ctx.entities(noun, GROUPS)
        named += [e for t in (*(c for c in noun.children if c.dep_ == "appos"),
                              *((noun.head,) if noun.dep_ == "appos" else ()))
                  for e in ctx.entities(t, GROUPS) if e not in named]
        for group in named:
            ctx.add(group, "operates_in", state, sent, "location")


def _enclosing_places(ctx: RelationContext, sent: Span) -> None:
    """"in Lamu, Kenya", "in a village near Gao, Mali": a place written right after
    a place, a comma between, is where that place lies (or the next in a list);
    a group there operates in it too, whatever head the parser gave it."""
    mentions = [(s, e, ent) for s, e, ent in ctx.ants.mentions_in(sent.start_char, sent.end_char)
                if ent.type in PLACES]
    text = ctx.doc.text
    for (s1, e1, first), (s2, _, second) in zip(mentions, mentions[1:]):
        if text[e1:s2] != ", " or first.id == second.id:
            continue
        for key, relation in list(ctx.found.items()):
            if key[1] == "operates_in" and key[2] == first.id \
                    and relation.evidence == (sent.start_char, sent.end_char):
                group = ctx.ants.by_id[key[0]]
                ctx.add(group, "operates_in", second, sent, "location")


def _owners(ctx: RelationContext, prep: Token) -> list[Entity]:
    """The armed groups a locative phrase belongs to; see :meth:`locations`."""
    node = prep.head
    for _ in range(MAX_CLIMB):
        if node.pos_ in ("NOUN", "PROPN", "PRON"):
            # "both ASG and the Mautes at Marawi": the whole coordination.
            first = node
            while first.dep_ == "conj" and first.head.i != first.i:
                first = first.head
            own = [e for e in ctx.ants.resolve_phrase(first) if e.type in GROUPS]
            if own:
                return own
            if node.dep_ in ("pobj",) and node.head.pos_ == "ADP":
                node = node.head.head
                continue
            node = node.head
            continue
        if node.pos_ in ("VERB", "AUX"):
            for verb in ctx.verb_chain(node):
                found = [e for c in verb.children
                         if c.dep_ in ("nsubj", "nsubjpass", "dobj", "agent")
                         for e in (ctx.entities(c, GROUPS) if c.dep_ != "agent" else
                                   [x for p in c.children if p.dep_ == "pobj"
                                    for x in ctx.entities(p, GROUPS)])]
                if found:
                    return found
            # "went to war in Afghanistan to oust the Taliban": the group the
            # clause's purpose is aimed at.
            aimed = [e for c in node.children if c.dep_ in ("advcl", "xcomp")
                     for d in c.children if d.dep_ == "dobj"
                     for e in ctx.entities(d, GROUPS)]
            if aimed:
                return aimed
            # The parser lost the subject ("IS proclaimed ..." read as "is"):
            # the armed group named first in the clause before the verb.
            before = [e for e in ctx.ants.in_span(node.sent.start_char, node.idx, GROUPS)]
            return before[:1]
        node = node.head
    return []


def _in_hyphen_compound(ctx: RelationContext, tok: Token) -> bool:
    """"a New York-based firm": the place names a base, not a battlefield."""
    nxt = tok.i + 1
    return nxt + 1 < len(ctx.doc) and ctx.doc[nxt].text == "-"
