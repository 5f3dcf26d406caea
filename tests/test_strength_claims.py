"""Strength claims as analysts and reports write them (real model, sentences of our own).

Each claim case names the group the figure counts, its min and max and the
qualifier (EXTRACTION_SCHEMA.md, "Claims"; the conventions' qualifier list).
Each no-claim case holds a number near a force noun that is not a group's
strength: losses, arrests, hostages, recruits of one drive, surrenders,
attackers, per-unit figures, several groups' total, dates and names.
"""
from __future__ import annotations

import pytest

from dossier.assemble import extract
from dossier.model import Document


def record_of(text: str):
    return extract(Document(text.encode("utf-8"), "claim.txt"))[1]


CLAIMS = [
    # plain figures, owner before the figure
    ("Al-Shabaab has about 7,000 fighters in southern Somalia.", "Al-Shabaab", 7000, None, "about"),
    ("Boko Haram fields around 3,000 fighters, according to army estimates.", "Boko Haram",
     3000, None, "around"),
    ("Hezbollah has roughly 20,000 fighters under arms.", "Hezbollah", 20000, None, "about"),
    ("The Taliban had some 60,000 fighters when the talks began.", "Taliban", 60000, None,
     "about"),
    ("Jaish-e-Mohammed counts approximately 500 members in the valley.", "Jaish-e-Mohammed",
     500, None, "about"),
    # owner inside the counted phrase
    ("More than 10,000 Houthi fighters massed near the city.", "Houthi", 10000, None,
     "more than"),
    ("An estimated 4,000 ISWAP fighters operate around Lake Chad.", "ISWAP", 4000, None, None),
    ("Up to 2,000 Wagner Group mercenaries are deployed in the country.", "Wagner Group", 2000,
     None, "up to"),
    ("As many as 1,200 Hezbollah fighters crossed into Syria last spring.", "Hezbollah", 1200,
     None, "up to"),
    ("At least 800 Al-Shabaab militants hold the district.", "Al-Shabaab", 800, None,
     "at least"),
    # ranges, written several ways
    ("ISKP has between 1,500 and 2,200 fighters, monitors estimate.", "ISKP", 1500, 2200, None),
    ("The Allied Democratic Forces number 1,200 to 1,500 fighters.",
     "Allied Democratic Forces", 1200, 1500, None),
    ("Ansar al-Sunna is thought to have 2,000-2,500 members.", "Ansar al-Sunna", 2000, 2500,
     None),
    ("The National Liberation Army fields around 2,400 to 2,500 combatants.",
     "National Liberation Army", 2400, 2500, "around"),
    ("JNIM is estimated to have between 2,000 and 3,000 fighters.", "JNIM", 2000, 3000, None),
    # number words and scales
    ("The Lord's Resistance Army now has only a few hundred fighters.",
     "Lord's Resistance Army", 200, 500, None),
    ("Hayat Tahrir al-Sham commands tens of thousands of fighters in Idlib.",
     "Hayat Tahrir al-Sham", 20000, 90000, None),
    ("Hezbollah claims 100,000 fighters.", "Hezbollah", 100000, None, None),
    ("The Houthis say they can mobilise 200 thousand fighters.", "Houthis", 200000, None, None),
    ("Al-Shabaab has several thousand fighters across the south.", "Al-Shabaab", 2000, 9000,
     None),
    ("Boko Haram still has thousands of fighters in the Sambisa forest.", "Boko Haram", 2000,
     None, None),
    # "N-strong", "a force of N", "strength of N", "a following of N"
    ("The 3,000-strong Jaish al-Islam withdrew from the suburbs.", "Jaish al-Islam", 3000, None,
     None),
    ("Jaish al-Islam, some 3,000 strong, withdrew from the suburbs.", "Jaish al-Islam", 3000,
     None, "about"),
    ("The FARC once had a force of 20,000 fighters.", "FARC", 20000, None, None),
    ("The ELN has a strength of about 2,500 combatants.", "ELN", 2500, None, "about"),
    ("Estimates put the strength of Ahrar al-Sham at 15,000 fighters.", "Ahrar al-Sham", 15000,
     None, None),
    ("Jemaah Islamiyah built a following of over 6,000 members.", "Jemaah Islamiyah", 6000,
     None, "more than"),
    # owner named after the figure
    ("Some 1,500 fighters belong to the Macina Liberation Front, the report said.",
     "Macina Liberation Front", 1500, None, "about"),
    ("About 900 militants are loyal to Abu Sayyaf, officials say.", "Abu Sayyaf", 900, None,
     "about"),
    # owner through a possessive or a reference
    ("Al-Shabaab defectors spoke to the panel. The group's ranks have fallen to around 1,000 "
     "fighters since 2019, they said.", "Al-Shabaab", 1000, None, "around"),
    ("Al-Shabaab lost ground last year. Its ranks now number about 5,000 fighters.",
     "Al-Shabaab", 5000, None, "about"),
    ("The M23 rebels seized the town. The group has about 3,000 fighters.", "M23", 3000, None,
     "about"),
    ("Analysts said ISWAP's fighters number around 5,000.", "ISWAP", 5000, None, "around"),
    ("The Taliban's strength is estimated at 75,000 fighters.", "Taliban", 75000, None, None),
    # states' forces
    ("France has some 5,100 troops in the Sahel.", "France", 5100, None, "about"),
    ("Turkey keeps more than 3,000 soldiers in northern Iraq.", "Turkey", 3000, None,
     "more than"),
    ("The United States has about 900 troops in Syria.", "United States", 900, None, "about"),
    ("Kenya maintains roughly 3,600 soldiers in Somalia.", "Kenya", 3600, None, "about"),
    # reported or hedged figures
    ("UN monitors estimated that Al-Shabaab has 5,000 to 7,000 fighters.", "Al-Shabaab", 5000,
     7000, None),
    ("According to the army, Boko Haram has no fewer than 1,500 fighters.", "Boko Haram", 1500,
     None, "at least"),
    ("Security sources believe ISIS still has more than 10,000 fighters in Iraq and Syria.",
     "ISIS", 10000, None, "more than"),
    ("The Houthis may have as many as 200,000 fighters, analysts say.", "Houthis", 200000, None,
     "up to"),
    # change over time: only the current figure
    ("Al-Shabaab grew from 3,000 to 7,000 fighters in two years.", "Al-Shabaab", 7000, None,
     None),
    ("The ADF's ranks increased from 500 to about 1,500 fighters.", "ADF", 1500, None, "about"),
    # other force nouns
    ("Hamas has an estimated 30,000 operatives.", "Hamas", 30000, None, None),
    ("The PKK has about 5,000 guerrillas in the mountains.", "PKK", 5000, None, "about"),
    ("The Islamic State has around 300 jihadists left in the desert.", "Islamic State", 300,
     None, "around"),
    ("The New People's Army has some 4,000 cadres.", "New People's Army", 4000, None, "about"),
]

NOT_CLAIMS = [
    # casualties
    "An airstrike killed 40 Al-Shabaab fighters near Jilib.",
    "Boko Haram fighters killed 30 soldiers in the raid.",
    "At least 12 Taliban militants were wounded in the clash.",
    "The attack left 25 ISWAP fighters dead, the army said.",
    "Some 200 Houthi fighters died in the offensive.",
    # arrests, hostages, surrenders, defections
    "Police arrested 14 members of Jemaah Islamiyah in Java.",
    "Al-Shabaab holds 12 hostages, officials said.",
    "More than 300 Abu Sayyaf members surrendered last year.",
    "About 150 Boko Haram fighters defected to the government.",
    "Some 40 ISIS fighters were detained at the border.",
    # recruits of one drive, attackers, trained or deployed
    "The Taliban recruited 500 new fighters in the spring campaign.",
    "Nine gunmen stormed the hotel, police said.",
    "The army trained 3,000 soldiers for the operation.",
    "About 200 Hezbollah fighters were evacuated from the town.",
    # per unit, and figures combining several groups
    "Each of the three factions has about 60 fighters.",
    "Al-Shabaab and ISIS together have some 8,000 fighters in Somalia.",
    "Al-Shabaab and Hizbul Islam have about 9,000 fighters.",
    # dates, names, times and money
    "The Taliban seized the city in 2021.",
    "The March 23 Movement took Goma in November 2012.",
    "Boko Haram kidnapped 276 schoolgirls from Chibok.",
    "Hezbollah received $700 million a year from Iran.",
    "The Houthis fired 20 missiles at the port.",
    # no owning group named at all
    "About 500 fighters crossed the river at night.",
    # victims and displaced people
    "The fighting displaced 10,000 civilians, aid groups said.",
    "Some 3,000 refugees fled Al-Shabaab territory.",
    # a death toll
    "The death toll rose to 60, including 12 ISIS fighters.",
]


@pytest.mark.parametrize("text, group, low, high, qualifier", CLAIMS)
def test_strength_claim(text, group, low, high, qualifier):
    record = record_of(text)
    found = [(c, record.entity(c.subject)) for c in record.claims]
    assert len(found) == 1, [(c.min, c.max, e.name) for c, e in found]
    claim, owner = found[0]
    assert group in (owner.name, *owner.aliases), owner
    assert (claim.min, claim.max, claim.qualifier) == (low, high, qualifier)


@pytest.mark.parametrize("text", NOT_CLAIMS)
def test_not_a_strength_claim(text):
    record = record_of(text)
    assert record.claims == (), [(c.min, c.max, record.entity(c.subject).name)
                                 for c in record.claims]


def test_the_suite_is_large_and_varied():
    assert len(CLAIMS) + len(NOT_CLAIMS) >= 60
    assert len({c[1] for c in CLAIMS}) >= 25  # many owners, not one group's phrasing
