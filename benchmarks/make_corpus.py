"""Synthetic conflict-news corpus for benchmarks and load tests.

    .venv/bin/python benchmarks/make_corpus.py N OUT [--seed S] [--format jsonl|txt]
                                               [--start 2025-01-01] [--days 365]

Writes N English news articles about armed groups. Every sentence comes from the
templates below; group, organisation, state and place names come from the
gazetteers in ``dossier/vocab``; people's names are invented from short lists of
given and family names. Each article names a group, its leader and spokesman,
a rival, an ally or parent, places in the group's country, a strength estimate,
dated attacks, quotes with speakers and hedged claims.

``--format jsonl`` (default): OUT is a file with one JSON object a line
(``title``, ``published``, ``url``, ``text``), as ``dossier ingest`` reads it.
``--format txt``: OUT is a folder of ``000001.txt``, ... each a headline, a
blank line and a body opening with a dateline (``KABUL, March 3, 2025 — ``).

Output is streamed, the same for the same seed and N, and no two articles are
byte-equal. A one-line summary goes to stderr. In code::

    for article in generate(1000, seed=7):
        ...
"""
from __future__ import annotations

import argparse
import json
import random
import re
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from dossier.vocabulary import GazetteerEntry, load, name_key  # noqa: E402

MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December")
MIN_WORDS, MAX_WORDS = 150, 450
MIN_SENTENCES, MAX_SENTENCES = 5, 15

# --- People (invented: given and family names from many regions) -------------

GIVEN = (
    "Amadou", "Moussa", "Aminata", "Fatoumata", "Boubacar", "Oumar", "Mariam", "Ibrahim",
    "Abdi", "Halima", "Hodan", "Yasin", "Faisal", "Khalid", "Yusuf", "Layla", "Rania",
    "Tariq", "Samir", "Nadia", "Karim", "Imran", "Farid", "Ayesha", "Sana", "Bilal",
    "Rahul", "Priya", "Arjun", "Tenzin", "Hassan", "Fatima", "Thandiwe", "Sipho", "Chinedu",
    "Ngozi", "Aisha", "Musa", "Grace", "Joseph", "Esther", "Patrice", "Jean-Claude",
    "Solange", "Carlos", "Lucia", "Diego", "Camila", "Andres", "Mariana", "Rodrigo",
    "Olena", "Dmytro", "Andrei", "Irina", "Marco", "Elena", "Lars", "Ingrid", "Daniel",
    "Sarah", "Thomas", "Rebecca", "Hiroshi", "Mei", "Dewi", "Rizal", "Maria", "Ramon",
)
FAMILY = (
    "Diallo", "Traore", "Coulibaly", "Ouedraogo", "Sangare", "Kone", "Cisse", "Maiga",
    "Warsame", "Mohamud", "Farah", "Jama", "Abdullahi", "Haddad", "Khalil", "Mansour",
    "Nasser", "Saleh", "Darwish", "Qureshi", "Siddiqui", "Chaudhry", "Rahimi", "Karimi",
    "Mehta", "Sharma", "Iyer", "Dorji", "Aung", "Naing", "Dlamini", "Nkosi", "Okafor",
    "Adeyemi", "Bello", "Okonkwo", "Mutua", "Otieno", "Banda", "Moyo", "Lumbala",
    "Mukendi", "Restrepo", "Castano", "Mendoza", "Herrera", "Salazar", "Quintero",
    "Kovalenko", "Shevchenko", "Petrov", "Lindqvist", "Moreau", "Bertrand", "Keller",
    "Novak", "Brennan", "Whitfield", "Tanaka", "Wibowo", "Santoso", "Dela Cruz",
    "Villanueva", "Reyes",
)
# Noms de guerre ("Abu Khalid Mansour") for some leaders.
NOM_GIVEN = ("Khalid", "Yusuf", "Tariq", "Samir", "Karim", "Bilal", "Faisal", "Hassan",
             "Ibrahim", "Musa", "Yasin")
NOM_FAMILY = ("Haddad", "Khalil", "Mansour", "Nasser", "Saleh", "Darwish", "Rahimi", "Karimi",
              "Qureshi", "Warsame", "Farah")

# --- Sentence templates, by kind ----------------------------------------------
# Slots: {g} the group ({gs} its short form, {gfull} its name with acronym,
# {hg} its headline form), {gp}/{gsp} possessives, {leader}, {deputy}, {spox},
# {rival} ({hrival}), {ally}, {parent}, {state} ({statep}), {dem} (demonym),
# {place}, {place2}, {place3}, {d1}..{d3} days, {month_back}, {year}, {year2},
# {k1}..{k3} counts, {official}, {off_role}, {analyst}, {an_role}, {tank},
# {org}, {org2}, {str_*} strength phrases, {gq}, {oq}, {aq} quotes and the
# speakers' family names {spox_last}, {official_last}, {analyst_last}.

HEADLINES = (
    "{hg} fighters attack army post near {place}",
    "{hg} claims deadly raid in {place}",
    "Clashes between {hg} and {hrival} leave dozens dead in {place}",
    "{dem} forces push back {hg} offensive near {place}",
    "{hg} leader {leader} vows to expand fight in {state}",
    "UN warns of growing {hg} threat across {state}",
    "{hg} and {hrival} fight for control of {place}",
    "Ambush on convoy near {place} blamed on {hg}",
    "{state} says it has weakened {hg}, but attacks go on",
    "{hg} strength grows as recruits join in {place}",
    "Residents flee {place} as {hg} closes in",
    "Analysts see {hg} shifting tactics in {state}",
    "{hg} steps up attacks ahead of talks in {state}",
    "Fighting spreads to {place2} as {hg} regroups",
)

LEADS = (
    "On {d1}, fighters from {gfull} attacked a military post near {place}, killing {k1} "
    "soldiers, {dem} officials said.",
    "{gfull} claimed responsibility for an ambush on {d1} that killed {k1} members of the "
    "security forces on the road between {place} and {place2}.",
    "Gunmen believed to belong to {gfull} stormed a market in {place} on {d1}, killing at "
    "least {k1} people, according to local officials.",
    "{gfull} seized control of several villages around {place} on {d1} after days of heavy "
    "fighting with {rival}, residents said.",
    "The {dem} army said on {d1} that it had repelled an assault by {gfull} on a base outside "
    "{place}, in which {k1} soldiers were wounded.",
    "A roadside bomb planted by {gfull} hit an army convoy near {place} on {d1}, the "
    "latest in a string of attacks across {state}.",
    "Fighters loyal to {gfull} clashed with {rival} near {place} on {d1}, leaving {k1} dead "
    "on both sides, according to a local monitor.",
    "{gfull} launched a wave of coordinated raids on police stations in {place} on {d1}, "
    "officials in {state} said.",
)

LEADERSHIP = (
    "{leader}, the leader of {g}, has not been seen in public for months.",
    "{gp} commander {leader} is believed to direct operations from hideouts near {place3}.",
    "The group is led by {leader}, a former teacher who rose through its ranks.",
    "{leader}, who has headed {g} since {year}, has survived several assassination attempts.",
    "Under {leader}, its current leader, {gs} has expanded into {place2}.",
    "{g} is led by {leader}, who took over after the death of the group’s founder.",
    "{leader} leads {g} from hideouts near {place3}, according to {dem} officials.",
    "{g}, led by {leader}, has expanded its operations into {place2}.",
)

QUOTES_GROUP = (
    "“{gq},” said {spox}, a spokesman for {g}.",
    "“{gq},” {spox}, a spokesman for {gs}, said in an audio message.",
    "{spox}, a spokesman for {g}, said the attack was a response to army operations. "
    "“{gq},” {spox_last} said.",
    "“{gq},” {gsp} spokesman, {spox}, said in a statement posted online.",
)

QUOTES_OFFICIAL = (
    "“{oq},” said {official}, {off_role}.",
    "“{oq},” {official}, {off_role}, told reporters in {place}.",
    "{official}, {off_role}, called the attack cowardly. “{oq},” {official_last} said.",
    "“{oq},” {official}, {off_role}, said at a news conference on {d2}.",
)

QUOTES_ANALYST = (
    "“{aq},” said {analyst}, {an_role} {tank}.",
    "“{aq},” said {analyst}, {an_role} {tank}, who has studied the group for years.",
    "{analyst}, {an_role} {tank}, said the attacks fit a familiar pattern. "
    "“{aq},” {analyst_last} said.",
)

RIVALS = (
    "{g} has fought {rival} for control of smuggling routes around {place2}.",
    "The group has clashed repeatedly with {rival}, its main rival in {state}.",
    "{gs} and {rival} have been at war with each other since {year2}.",
    "{rival}, a rival of {g}, has also attacked army positions in the area.",
    "Fighting between {gs} and {rival} has displaced thousands of families near {place}.",
)

ALLIES = (
    "{g} has allied with {ally} in recent months, according to {org}.",
    "{gs} reportedly coordinates its operations with {ally}.",
    "Fighters from {ally} have fought alongside {gs} near {place2}, residents said.",
    "{ally}, an ally of {g}, is said to supply it with weapons and fuel.",
)

AFFILIATES = (
    "{g}, an affiliate of {parent}, operates mainly in {place} and {place2}.",
    "{gs} pledged allegiance to {parent} in {year}.",
    "The group is a branch of {parent} and shares its ideology.",
    "{g}, which is linked to {parent}, has grown more independent in recent years.",
)

OPERATES = (
    "{g} operates in {place}, {place2} and parts of {place3}.",
    "{gs} fighters remain active in {state}, particularly around {place3}.",
    "The group is based in {place2}, where it levies taxes on traders and farmers.",
    "{g} has extended its reach from {place2} into neighbouring districts.",
)

STRENGTHS = (
    "{org} estimates that {g} has {str_range} fighters.",
    "{g} has {str_about} fighters, according to {org}.",
    "{gs} has {str_range} militants, most of them in {place3}, {dem} officials believe.",
    "According to {org}, {g} commands {str_about} militants.",
    "{dem} military officials put the group’s strength at {str_between} fighters.",
    "{g} reportedly has {str_about} members, though the figure is hard to verify.",
    "A report by {org} said {gs} could count on {str_range} fighters.",
)

HEDGES = (
    "{leader} is believed to be hiding in {place3}, according to {dem} intelligence officials.",
    "{g} allegedly receives money from supporters abroad, {org} has reported.",
    "{gs} reportedly recruits teenagers from villages around {place2}.",
    "The group is said to be holding several hostages in {place3}.",
    "Some of the weapons used in the attack were reportedly seized from army depots.",
    "{deputy}, a senior commander of {g}, was reportedly killed in an airstrike near {place3} "
    "on {d3}.",
    "{gs} is suspected of planting the mines that killed {k2} civilians near {place2} on {d3}.",
)

EVENTS = (
    "On {d3}, {gs} fighters ambushed a patrol near {place2}, killing {k2} soldiers.",
    "The attack came days after an army offensive against {gs} in {place3} on {d3}.",
    "In {month_back} the group overran a military camp in {place2}.",
    "A suicide bombing claimed by {gs} killed {k2} people in {place3} on {d3}.",
    "{dem} troops launched an offensive against {g} in {place2} on {d2}.",
    "On {d2}, {dem} aircraft struck positions held by {gs} near {place3}, the army said.",
)

SOURCES = (
    "According to {org}, attacks by armed groups in {state} rose sharply this year.",
    "{org} said more than {k3} people had been displaced from {place} since {month_back}.",
    "{org2} has called on all sides to protect civilians in {place}.",
    "Data compiled by {org} show that {gs} was behind most attacks in {place2} last year.",
    "{org} warned in a report on {d2} that the violence could spread to {place3}.",
)

CLOSINGS = (
    "The army has promised to reinforce its positions around {place} in the coming weeks.",
    "Residents of {place} said many families had fled toward {place2}.",
    "Talks between the government of {state} and armed groups have stalled since {month_back}.",
    "Humanitarian groups say access to {place3} remains difficult.",
)

GROUP_QUOTES = (
    "We will continue our operations until the foreign troops leave our land",
    "Our fighters acted to defend the people of {place}",
    "The army cannot protect its bases, let alone the villages",
    "We warned them, and they did not listen",
    "This operation is only the beginning",
    "We are ready for negotiations, but not under threat",
    "Our fight is with the government, not with civilians",
)
OFFICIAL_QUOTES = (
    "Those responsible for this attack will be found and punished",
    "Our forces remain in control of {place}",
    "We will not negotiate with criminals who kill children",
    "The situation around {place} is under control",
    "The enemy is weakened, and that is why it attacks soft targets",
    "We have sent reinforcements to {place2}",
)
ANALYST_QUOTES = (
    "The group has shown it can strike well beyond its traditional strongholds",
    "What we are seeing is a group adapting to military pressure",
    "The government’s strategy has pushed the militants into new areas",
    "Recruitment is driven by local grievances more than by ideology",
    "These attacks are meant to show that the state cannot protect its citizens",
    "The rivalry between the groups is making the violence worse for civilians",
)

OFFICIAL_ROLES = (
    "the {dem} defense minister", "a spokesman for the {dem} army",
    "the governor of {place}", "{statep} interior minister", "an army spokesman",
    "the {dem} security minister",
)
ANALYST_ROLES = ("an analyst at", "a researcher at", "a senior fellow at",
                 "a security analyst with", "an expert on armed groups at")
CORE_KINDS = (LEADERSHIP, STRENGTHS, QUOTES_GROUP)
BODY_KINDS = (QUOTES_OFFICIAL, QUOTES_ANALYST, RIVALS, ALLIES, OPERATES, HEDGES, EVENTS, SOURCES)
SOURCE_KINDS = {"un_body", "think_tank", "ngo", "research", "intergovernmental"}
ANALYST_KINDS = {"think_tank", "research"}

# --- Articles for names ----------------------------------------------------------

_HEADS = {"army", "front", "province", "forces", "force", "movement", "brigade", "brigades",
          "group", "battalion", "battalions", "cartel", "division", "party", "republic",
          "union", "council", "organisation", "organization", "network", "units", "allies",
          "corps", "legion", "column", "taliban", "committees", "alliance", "commission",
          "institute", "institution", "center", "centre", "foundation", "programme",
          "program", "mission", "office", "agency", "project", "corporation", "fund",
          "forum", "league", "community", "assembly", "secretariat", "consortium",
          "parliament", "service", "regiment", "tigers", "guard", "guards", "coalition",
          "fighters", "initiative", "committee", "court", "observatory"}
_LINKS = (" of ", " for ", " on ", " in ")
_BARE_START = re.compile(r"^(?:Al|al|El|el|Los|Las|La|Ansar|Jaish|Jaysh|Lashkar|Hizb)\b")


def with_article(name: str) -> str:
    """``name`` with "the" in front where English wants one ("the Islamic State")."""
    last = name.split()[-1]
    if name.startswith("The "):
        return "the " + name[4:]
    if _BARE_START.match(name) or name.isupper() or not last[0].isupper():
        return name
    if any(w in name for w in _LINKS) or last.casefold() in _HEADS \
            or name.startswith("Islamic State"):
        return "the " + name
    return name


def state_name(name: str) -> str:
    """A state's name as written mid-sentence ("the Philippines", "Mali")."""
    plural = name.endswith(("ines", "lands", "ives", "oros", "amas", "elles"))
    if plural or name.startswith("United ") or "Republic" in name or " of " in name \
            or name == "Gambia":
        return "the " + name
    return name


def possessive(phrase: str) -> str:
    """``phrase``'s, or ``phrase``' after a final s."""
    return phrase + ("’" if phrase.endswith("s") else "’s")


def written_name(entry: GazetteerEntry) -> str:
    """The name as articles write it: a gazetteer name with a parenthetical
    ("Popular Liberation Army (Colombia)") gives way to a plain alias."""
    if "(" not in entry.name:
        return entry.name
    bare = re.sub(r"\s*\([^)]*\)", "", entry.name)
    plain = [a for a in entry.aliases if "(" not in a and " " in a and not a.isupper()]
    for alias in plain:
        if bare.casefold() in alias.casefold():
            return alias
    for alias in plain:
        if alias.split()[0] == bare.split()[0]:
            return alias
    return plain[0] if plain else entry.name


def acronym(entry: GazetteerEntry) -> str | None:
    """A short all-capitals alias ("AQIS"), if the entry has one."""
    for alias in entry.aliases:
        if 2 <= len(alias) <= 6 and alias.isupper() and alias.isalpha():
            return alias
    return None


def commas(n: int) -> str:
    return f"{n:,}"


def day_phrase(day: date, year: int, with_year: bool) -> str:
    """"March 3", with the year when asked or when it differs from ``year``."""
    text = f"{MONTHS[day.month - 1]} {day.day}"
    return f"{text}, {day.year}" if with_year or day.year != year else text


# --- The cast ---------------------------------------------------------------------

@dataclass(frozen=True)
class Group:
    """An armed group as written in articles, with its stable invented cast."""

    name: str
    short: str
    full: str
    leader: str
    deputy: str
    spokesman: str
    strength: int
    founded: int


class Gazetteer:
    """The names the generator draws on, read once from ``dossier.vocabulary``."""

    def __init__(self, seed: int) -> None:
        vocab = load()
        self.seed = seed
        taken = set(vocab.spellings())
        self.given = [n for n in GIVEN if name_key(n) not in taken]
        self.family = [n for n in FAMILY if name_key(n) not in taken]
        self.groups = sorted(vocab.by_type("armed_group"), key=lambda e: e.id)
        self.by_id = {e.id: e for e in self.groups}
        self.states = {e.name: e for e in vocab.by_type("state")}
        self.places: dict[str | None, list[str]] = {}
        for place in sorted(vocab.by_type("place"), key=lambda e: e.id):
            self.places.setdefault(place.state, []).append(place.name)
        self.all_places = [p for names in self.places.values() for p in names]
        self.groups_in: dict[str, list[GazetteerEntry]] = {}
        for group in self.groups:
            for country in group.countries:
                self.groups_in.setdefault(country, []).append(group)
        orgs = sorted(vocab.by_type("organization"), key=lambda e: e.id)
        self.sources = [with_article(o.name) for o in orgs if o.kind in SOURCE_KINDS]
        self.tanks = [with_article(o.name) for o in orgs if o.kind in ANALYST_KINDS]
        self._cast: dict[str, Group] = {}

    def person(self, rng: random.Random) -> str:
        return f"{rng.choice(self.given)} {rng.choice(self.family)}"

    def group(self, entry: GazetteerEntry) -> Group:
        """The group's names and stable cast (same leader in every article of a corpus)."""
        if entry.id not in self._cast:
            rng = random.Random(f"{self.seed}:{entry.id}")
            leader = self.person(rng)
            if rng.random() < 0.3:
                leader = f"Abu {rng.choice(NOM_GIVEN)} {rng.choice(NOM_FAMILY)}"
            name = with_article(written_name(entry))
            short = acronym(entry)
            self._cast[entry.id] = Group(
                name=name, short=short or name,
                full=f"{name} ({short})" if short else name,
                leader=leader, deputy=self.person(rng), spokesman=self.person(rng),
                strength=int(10 ** rng.uniform(2.5, 4.3)), founded=rng.randint(1975, 2018))
        return self._cast[entry.id]

    def other_group(self, rng: random.Random, country: str, *not_ids: str) -> GazetteerEntry:
        """A different group, from the same country when there is one."""
        pool = [g for g in self.groups_in.get(country, ()) if g.id not in not_ids]
        if not pool:
            pool = [g for g in self.groups if g.id not in not_ids]
        return rng.choice(pool)

    def places_in(self, rng: random.Random, country: str, k: int) -> list[str]:
        """``k`` distinct places in ``country`` (other places fill in when too few)."""
        local = self.places.get(country, [])
        if len(local) >= k:
            return rng.sample(local, k)
        extra = [p for p in rng.sample(self.all_places, k + len(local)) if p not in local]
        return [*local, *extra][:k]


# --- Strength phrases -----------------------------------------------------------

def rounded(n: int) -> int:
    """A figure rounded the way reporters round them."""
    step = 50 if n < 1000 else 100 if n < 5000 else 500
    return max(step, round(n / step) * step)


def strength_slots(rng: random.Random, base: int) -> dict[str, str]:
    """Phrases for one estimate near ``base`` fighters."""
    mid = base * rng.uniform(0.7, 1.3)
    lo, hi = rounded(int(mid * 0.8)), rounded(int(mid * 1.25))
    hi = max(hi, lo + rounded(lo // 4))
    about = commas(rounded(int(mid)))
    return {
        "str_range": rng.choice((f"an estimated {commas(lo)} to {commas(hi)}",
                                 f"between {commas(lo)} and {commas(hi)}",
                                 f"{commas(lo)} to {commas(hi)}")),
        "str_about": rng.choice((f"about {about}", f"around {about}", f"some {about}",
                                 f"more than {about}", f"as many as {about}",
                                 f"at least {about}")),
        "str_between": f"between {commas(lo)} and {commas(hi)}",
    }


# --- One article -------------------------------------------------------------------

def slots_for(gaz: Gazetteer, rng: random.Random, published: date) -> dict[str, str]:
    """Every slot value one article's templates may use."""
    entry = rng.choice(gaz.groups)
    group = gaz.group(entry)
    country = rng.choice(entry.countries) if entry.countries else rng.choice(list(gaz.states))
    state = gaz.states.get(country)
    state_text = state_name(country)
    dem = state.demonyms[0] if state and state.demonyms else possessive(state_text)
    rival = gaz.other_group(rng, country, entry.id, entry.parent or "")
    ally_entry = gaz.by_id[entry.parent] if entry.parent and rng.random() < 0.5 \
        else gaz.other_group(rng, country, entry.id, rival.id)
    place, place2, place3 = gaz.places_in(rng, country, 3)
    year = published.year
    base = published.toordinal()
    d1, d2, d3 = (date.fromordinal(base - rng.randint(lo, hi))
                  for lo, hi in ((0, 3), (4, 12), (13, 40)))
    month_back = date.fromordinal(base - rng.randint(60, 300))
    slots = {
        "g": group.name, "gs": group.short, "gfull": group.full,
        "gp": possessive(group.name), "gsp": possessive(group.short),
        "hg": written_name(entry), "hrival": written_name(rival),
        "leader": group.leader, "deputy": group.deputy, "spox": group.spokesman,
        "rival": gaz.group(rival).name, "ally": gaz.group(ally_entry).name,
        "parent": gaz.group(gaz.by_id[entry.parent]).name if entry.parent else "",
        "state": state_text, "statep": possessive(state_text), "dem": dem,
        "place": place, "place2": place2, "place3": place3,
        **{key: day_phrase(day, year, rng.random() < 0.4)
           for key, day in (("d1", d1), ("d2", d2), ("d3", d3))},
        "month_back": f"{MONTHS[month_back.month - 1]} {month_back.year}",
        "k1": str(rng.randint(3, 40)), "k2": str(rng.randint(2, 25)),
        "k3": commas(rng.randint(20, 400) * 100),
        "year": str(min(group.founded + rng.randint(0, 5), year - 1)),
        "year2": str(rng.randint(year - 15, year - 1)),
        "official": gaz.person(rng), "analyst": gaz.person(rng),
        "an_role": rng.choice(ANALYST_ROLES), "tank": rng.choice(gaz.tanks),
        "org": rng.choice(gaz.sources), "org2": rng.choice(gaz.sources),
        **strength_slots(rng, group.strength),
    }
    for key in ("spox", "official", "analyst"):
        slots[key + "_last"] = slots[key].split()[-1]
    slots["off_role"] = rng.choice(OFFICIAL_ROLES).format(**slots)
    slots["gq"] = rng.choice(GROUP_QUOTES).format(**slots)
    slots["oq"] = rng.choice(OFFICIAL_QUOTES).format(**slots)
    slots["aq"] = rng.choice(ANALYST_QUOTES).format(**slots)
    return slots


def sentence(template: str, slots: dict[str, str]) -> str:
    text = template.format(**slots)
    return text[0].upper() + text[1:]


def count_sentences(text: str) -> int:
    """Sentences in one filled template (some hold a lead-in and a quote)."""
    return 1 + text.count(". “")


def body_sentences(rng: random.Random, slots: dict[str, str]) -> list[str]:
    """Lead, body sentences of varied kinds until the article is long enough, closing.

    Every article names its leader, a strength estimate and a spokesman's quote;
    the other kinds come in random order.
    """
    core, rest = list(CORE_KINDS), list(BODY_KINDS)
    if slots["parent"]:
        rest.append(AFFILIATES)
    rng.shuffle(core)
    rng.shuffle(rest)
    pool = core + rest + rng.sample(rest, len(rest))
    target = rng.randint(MIN_WORDS + 10, MAX_WORDS - 90)
    out = [sentence(rng.choice(LEADS), slots)]
    words, count = len(out[0].split()) + 30, 1
    budget = MAX_SENTENCES - 2  # the closing sentence and the note follow
    for kind in pool:
        if words >= target and count >= MIN_SENTENCES:
            break
        text = sentence(rng.choice(kind), slots)
        n = count_sentences(text)
        if count + n > budget or text in out:
            continue
        out.append(text)
        words, count = words + len(text.split()), count + n
    out.append(sentence(rng.choice(CLOSINGS), slots))
    return out


def paragraphs(rng: random.Random, sentences: list[str]) -> list[str]:
    """Sentences grouped one to three to a paragraph."""
    out, i = [], 0
    while i < len(sentences):
        n = rng.choice((1, 2, 2, 3))
        out.append(" ".join(sentences[i:i + n]))
        i += n
    return out


def article(gaz: Gazetteer, rng: random.Random, number: int, published: date) -> dict:
    """One article as a dict of title, published, url and text."""
    slots = slots_for(gaz, rng, published)
    title = rng.choice(HEADLINES).format(**slots).rstrip(".!\"”")
    paras = paragraphs(rng, body_sentences(rng, slots))
    city = rng.choice((slots["place"], slots["place2"]))
    day = f"{MONTHS[published.month - 1]} {published.day}, {published.year}"
    paras[0] = f"{city.upper()}, {day} — {paras[0]}"
    paras.append(f"(Synthetic article no. {number}; the people named in it are invented.)")
    return {"title": title[0].upper() + title[1:], "published": published.isoformat(),
            "url": f"https://example.org/synthetic/{number:06d}", "text": "\n\n".join(paras)}


def generate(n: int, seed: int = 0, start: date = date(2025, 1, 1),
             days: int = 365) -> Iterator[dict]:
    """``n`` articles (dicts with title, published, url, text), one at a time."""
    gaz = Gazetteer(seed)
    rng = random.Random(seed)
    first = start.toordinal()
    for number in range(1, n + 1):
        published = date.fromordinal(first + rng.randrange(max(days, 1)))
        yield article(gaz, rng, number, published)


# --- Output ---------------------------------------------------------------------

def write_jsonl(articles: Iterator[dict], out: Path) -> Iterator[dict]:
    out.parent.mkdir(parents=True, exist_ok=True)
    with out.open("w", encoding="utf-8", newline="\n") as fh:
        for item in articles:
            fh.write(json.dumps(item, ensure_ascii=False) + "\n")
            yield item


def write_corpus(out: Path, n: int, seed: int = 0) -> Path:
    """``n`` articles as one JSONL file at ``out`` (for benchmarks and tests)."""
    for _ in write_jsonl(generate(n, seed=seed), out):
        pass
    return out


def write_txt(articles: Iterator[dict], out: Path) -> Iterator[dict]:
    out.mkdir(parents=True, exist_ok=True)
    for number, item in enumerate(articles, 1):
        path = out / f"{number:06d}.txt"
        path.write_text(f"{item['title']}\n\n{item['text']}\n", encoding="utf-8", newline="\n")
        yield item


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("n", type=int, help="How many articles.")
    parser.add_argument("out", type=Path, help="Output file (jsonl) or folder (txt).")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--format", choices=("jsonl", "txt"), default="jsonl")
    parser.add_argument("--start", type=date.fromisoformat, default=date(2025, 1, 1),
                        help="First publication date (YYYY-MM-DD).")
    parser.add_argument("--days", type=int, default=365, help="Days the dates spread over.")
    args = parser.parse_args(argv)

    began = time.perf_counter()
    writer = write_jsonl if args.format == "jsonl" else write_txt
    count = words = 0
    for item in writer(generate(args.n, args.seed, args.start, args.days), args.out):
        count += 1
        words += len(item["text"].split())
    seconds = time.perf_counter() - began
    print(f"{count:,} articles, {words:,} words, {seconds:.1f} s → {args.out}", file=sys.stderr)


if __name__ == "__main__":
    main()
