"""A table of hand-written pairs, with the level the engine must give each.

Maghrebi (Arabic and Latin script, French-convention and English-convention spellings,
particles joined or apart), Amazigh and sub-Saharan names (Latin, and Arabic script as
Moroccan desks write them). Every pair is compared as it would be at a registration in a
registry of 100,000 persons without frequency counts: the default matcher, the default
thresholds of the engine (those of settings unless overridden). Expected:

- ``match``: the same person, with enough evidence for an agent to be told so;
- ``found``: the same person, shown to the agent (``match`` or ``possible``);
- ``not match``: never asserted as the same person (relatives, namesakes), at most
  ``possible``;
- ``none``: not shown at all.
"""

from __future__ import annotations

from datetime import date

import pytest

from mouwakaba.core.text import has_arabic
from mouwakaba.people.matching import (
    DEFAULT_MATCH_THRESHOLD,
    DEFAULT_POSSIBLE_THRESHOLD,
    PersonRecord,
    compare,
)


def rec(name: str, born: str = "", sex: str = "", nationality: str = "MA", **extra: object):
    """``name`` is "given|family" in either script; ``born`` "1990-05-12", "1990" or
    "~1990" (approximate)."""
    given, _, family = name.partition("|")
    script = "ar" if has_arabic(name) else "lat"
    fields: dict[str, object] = {
        f"given_name_{script}": given.strip(),
        f"family_name_{script}": family.strip(),
        "sex": sex,
        "nationality": nationality,
    }
    if born.startswith("~"):
        fields.update(birth_year=int(born[1:]), birth_date_approximate=True)
    elif len(born) == 4:
        fields["birth_year"] = int(born)
    elif born:
        fields["birth_date"] = date.fromisoformat(born)
    fields.update(extra)
    return PersonRecord(**fields)  # type: ignore[arg-type]


# The same person, written in the other script or spelling; full birth date on both.
SAME_NAME_SPELLINGS = [
    # Maghrebi, Arabic ↔ Latin
    ("محمد|بن علي", "Mohamed|Benali", "M"),
    ("محمد|بن علي", "M'hamed|Ben Ali", "M"),
    ("محمد|العلوي", "Mohammed|Alaoui", "M"),
    ("أحمد|الإدريسي", "Ahmed|El Idrissi", "M"),
    ("يوسف|العمراني", "Youssef|Lamrani", "M"),
    ("يوسف|العمراني", "Youcef|El Amrani", "M"),
    ("إبراهيم|بنجلون", "Brahim|Benjelloun", "M"),
    ("إبراهيم|بنجلون", "Ibrahim|Ben Jelloun", "M"),
    ("عبد القادر|الفاسي", "Abdelkader|El Fassi", "M"),
    ("عبد القادر|الفاسي", "Abd El Kader|Fassi", "M"),
    ("عبد الرحمن|الوزاني", "Abderrahmane|Ouazzani", "M"),
    ("عبد الله|المنصوري", "Abdellah|Mansouri", "M"),
    ("عبدالله|المنصوري", "Abdallah|El Mansouri", "M"),
    ("مصطفى|السعيدي", "Mustapha|Essaidi", "M"),
    ("عثمان|الحمداوي", "Othmane|Hamdaoui", "M"),
    ("خالد|بوخريص", "Khalid|Boukhris", "M"),
    ("رشيد|الكتاني", "Rachid|Kettani", "M"),
    ("هشام|بنكيران", "Hicham|Benkirane", "M"),
    ("سعيد|الغربي", "Said|Gharbi", "M"),
    ("نور الدين|الحسني", "Noureddine|El Hassani", "M"),
    ("جمال|بوعزة", "Djamel|Bouazza", "M"),
    ("العربي|الكبير", "Larbi|El Kabir", "M"),
    ("الحسين|الأنصاري", "Lahoucine|Ansari", "M"),
    ("زكرياء|بنعمر", "Zakaria|Benomar", "M"),
    ("أيوب|الشرقاوي", "Ayoub|Cherkaoui", "M"),
    ("ياسين|التازي", "Yassine|Tazi", "M"),
    ("ياسين|التازي", "Yacine|Tazi", "M"),
    ("بوشعيب|الزموري", "Bouchaib|Zemmouri", "M"),
    ("عبد الحق|القاسمي", "Abdelhaq|Kacemi", "M"),
    ("إسماعيل|الفجيجي", "Smail|Figuigui", "M"),
    ("حسن|الجرسيفي", "Hassan|Guercifi", "M"),
    ("فاطمة الزهراء|العلوي", "Fatima Zahra|Alaoui", "F"),
    ("فاطمة الزهراء|العلوي", "Fatima-Zahra|El Alaoui", "F"),
    ("فاطمة|بنعلي", "Fatima|Ben Ali", "F"),
    ("خديجة|الإدريسي", "Khadija|Idrissi", "F"),
    ("خديجة|الإدريسي", "Khadidja|El Idrissi", "F"),
    ("سكينة|المرابط", "Soukaina|Mrabet", "F"),
    ("سكينة|المرابط", "Sakina|El Mrabet", "F"),
    ("عائشة|الصنهاجي", "Aicha|Senhaji", "F"),
    ("زينب|الحسيني", "Zineb|Houssaini", "F"),
    ("مريم|التطواني", "Meryem|Tetouani", "F"),
    ("مريم|التطواني", "Maryam|Tetouani", "F"),
    ("نجاة|البركاني", "Najat|Berkani", "F"),
    ("حياة|بوزيد", "Hayat|Bouzid", "F"),
    ("وفاء|السلاوي", "Ouafae|Slaoui", "F"),
    ("وفاء|السلاوي", "Wafae|Slaoui", "F"),
    ("سلمى|المراكشي", "Salma|Marrakchi", "F"),
    ("نادية|الرباطي", "Nadia|Rbati", "F"),
    ("لطيفة|بن سليمان", "Latifa|Bensliman", "F"),
    ("إيمان|الخياط", "Imane|Khayat", "F"),
    # Maghrebi, Latin ↔ Latin, desks' spellings
    ("Mohamed|Alaoui", "MOHAMMED|EL ALAOUI", "M"),
    ("Youssef|Ben Brahim", "Yousef|Benbrahim", "M"),
    ("Abdelkader|Ould Ahmed", "Abdel Kader|Ould-Ahmed", "M"),
    ("Mustapha|Chraibi", "Moustapha|Chraïbi", "M"),
    ("Hocine|Boumediene", "Houcine|Boumedienne", "M"),
    ("Rachid|Benslimane", "Rachid|Ben Slimane", "M"),
    ("Khadija|Ouazzani", "Khadija|Ouazani", "F"),
    ("Fatima Zahra|Bennani", "Fatimazahra|Bennani", "F"),
    ("Soukaina|El Fassi", "Soukayna|Elfassi", "F"),
    ("Nour El Houda|Tazi", "Nourelhouda|Tazi", "F"),
    # Amazigh
    ("إيدير|أيت أحمد", "Idir|Ait Ahmed", "M"),
    ("موحى|أوحمو", "Moha|Ouhammou", "M"),
    ("حمو|أمحزون", "Hammou|Amahzoun", "M"),
    ("ماسينيسا|أيت علي", "Massinissa|Aït Ali", "M"),
    ("يوبا|أوبلا", "Youba|Oubella", "M"),
    ("ميمون|أخنوش", "Mimoun|Akhannouch", "M"),
    ("عسو|أوبسلام", "Assou|Oubaslam", "M"),
    ("إيطو|أيت بها", "Itto|Ait Baha", "F"),
    ("تيزيري|أوزين", "Tiziri|Ouzzine", "F"),
    ("تودة|أيت باها", "Touda|Ait Baha", "F"),
    ("Idir|Ait Ouahmane", "IDIR|AIT-OUAHMANE", "M"),
    ("Aksel|Ouchen", "Aksil|Ouchene", "M"),
    ("Yuba|Ait Lhaj", "Youba|Aït Elhaj", "M"),
    ("Tilelli|Amazigh", "Tilelli|Amazighe", "F"),
    ("Itto|Oufkir", "ITTO|OUFKIR", "F"),
    # sub-Saharan, Latin ↔ Latin
    ("Mamadou|Diallo", "MAMADOU|DIALO", "M"),
    ("Ibrahima|Camara", "Ibrahima|Kamara", "M"),
    ("Moussa|Koné", "Moussa|Kone", "M"),
    ("Seydou|Keïta", "Seydou|Keita", "M"),
    ("Ousmane|Sow", "Usman|Sow", "M"),
    ("Cheikh Tidiane|Diop", "Cheikh-Tidiane|Diop", "M"),
    ("Abdoulaye|Traoré", "Abdoulaye|Traore", "M"),
    ("Souleymane|Coulibaly", "Souleymane|Kulibaly", "M"),
    ("Amadou|Ouédraogo", "Ahmadou|Ouedraogo", "M"),
    ("Aminata|Traoré", "Aminata|TRAORE", "F"),
    ("Fatoumata|Barry", "Fatoumata|Bary", "F"),
    ("Awa|N'Diaye", "Awa|Ndiaye", "F"),
    ("Kadiatou|Sylla", "Kadiatou|Silla", "F"),
    ("Mariam|Coulibaly", "Mariame|Coulibaly", "F"),
    ("Oumou|Sangaré", "Oumou|Sangare", "F"),
    ("Jean-Pierre|Mbarga", "Jean Pierre|MBARGA", "M"),
    ("Chukwuemeka|Okafor", "Chukwuemeka|Okafor", "M"),
    # sub-Saharan, Arabic script ↔ Latin
    ("مامادو|ديالو", "Mamadou|Diallo", "M"),
    ("إبراهيما|كامارا", "Ibrahima|Camara", "M"),
    ("موسى|كوني", "Moussa|Koné", "M"),
    ("عمر|سيسي", "Oumar|Cissé", "M"),
    ("أميناتا|تراوري", "Aminata|Traoré", "F"),
    ("فاطوماتا|باري", "Fatoumata|Barry", "F"),
    ("عثمان|سو", "Ousmane|Sow", "M"),
    ("عبد الله|واد", "Abdoulaye|Wade", "M"),
]


@pytest.mark.parametrize(("a", "b", "sex"), SAME_NAME_SPELLINGS)
def test_one_person_in_two_spellings_with_one_birth_date_is_shown(a, b, sex):
    # Names and a full birth date: nearly always one person (98 % of such pairs on the
    # benchmark), not quite the 99.5 % that "match" promises.
    first, second = rec(a, "1991-04-17", sex), rec(b, "1991-04-17", sex)
    assert level(first, second) in ("match", "possible")
    assert score(first, second) >= 0.9


@pytest.mark.parametrize(("a", "b", "sex"), SAME_NAME_SPELLINGS)
def test_one_person_in_two_spellings_with_a_birth_date_and_a_phone_is_a_match(a, b, sex):
    first = rec(a, "1991-04-17", sex, phone="0661234567")
    second = rec(b, "1991-04-17", sex, phone="+212 661 23 45 67")
    assert level(first, second) == "match"


# The same person, with weaker evidence: a year only, an approximate age, a year off,
# day and month swapped, names swapped, a typo, a phone in common.
SAME_PERSON_WEAKER = [
    # the case: Arabic in Nador, Latin in Oujda, a year of birth only
    (rec("محمد|بن علي", "1990-05-12", "M"), rec("Mohamed|Benali", "1990", "M"), "found"),
    (
        rec("محمد|بن علي", "1990-05-12", "M", phone="0661234567"),
        rec("M'hamed|Ben Ali", "1990", "M", phone="+212 661 23 45 67"),
        "found",
    ),
    (
        rec("محمد|بن علي", "1990-05-12", "M", phone="0661234567"),
        rec("M'hamed|Ben Ali", "1990-05-12", "M", phone="+212 661 23 45 67"),
        "match",
    ),
    # names swapped, day and month swapped, a year or a day off
    (rec("Youssef|El Amrani", "1994-02-03", "M"), rec("AMRANI|Youcef", "1994-02-03", "M"), "found"),
    (rec("Khadija|Idrissi", "1988-03-04", "F"), rec("Khadija|Idrissi", "1988-04-03", "F"), "found"),
    (rec("Khadija|Idrissi", "1988-03-04", "F"), rec("Khadija|Idrissi", "1989-03-04", "F"), "found"),
    (rec("Fatoumata|Barry", "1997-05-05", "F"), rec("Fatoumata|Barry", "1997-05-06", "F"), "found"),
    (
        rec("Ousmane|Sow", "1990-06-15", "M", phone="0677000111"),
        rec("Sow|Ousmane", "1990", "M", phone="0677000111"),
        "found",
    ),
    # an approximate age, no birth date at all: a phone or a document makes up for it
    (
        rec("Aminata|Traoré", "1996-07-21", "F", phone="0655443322"),
        rec("Aminata|Traore", "~1995", "F", phone="0655443322"),
        "found",
    ),
    (
        rec("Soukaina|Mrabet", "2001-09-09", "F", phone="0600112233"),
        rec("سكينة|المرابط", "", "F", phone="0600112233"),
        "found",
    ),
    (
        rec("Mamadou|Diallo", "1993-11-02", "M", document_numbers=("AB1234567",)),
        rec("Mamadou|Dialo", "", "M", document_numbers=("AB1234567",)),
        "found",
    ),
    (
        rec("Abdelkader|Tazi", "1970", "M", phone="0612345678"),
        rec("عبد القادر|التازي", "~1972", "M", phone="0612345678"),
        "found",
    ),
    (
        rec("Itto|Ouhammou", "1960", "F", phone="0611223344"),
        rec("إيطو|أوحمو", "1960", "F", phone="0611223344"),
        "found",
    ),
    (rec("فاطمة|الزهراوي", "1999", "F"), rec("Fatima|Zahraoui", "1999", "F"), "found"),
    (rec("Awa|Ndiaye", "2000-10-10", "F"), rec("Awa|N'Diaye", "2000", "F"), "found"),
    # typos and respellings, with a full date and a phone
    (
        rec("Rachid|Bennani", "1985-01-30", "M", phone="0622334455"),
        rec("Rachod|Bennani", "1985-01-30", "M", phone="0622334455"),
        "match",
    ),
    (
        rec("Rachid|Bennani", "1985-01-30", "M", phone="0622334455"),
        rec("Rachid|Benani", "1985-01-30", "M", phone="0622334455"),
        "match",
    ),
    (
        rec("Idir|Ait Ahmed", "1979-12-01", "M", phone="0633445566"),
        rec("Idir|Aitahmed", "1979-12-01", "M", phone="0633445566"),
        "match",
    ),
    (
        rec("Hamza|Gharbi", "2005-06-27", "M", document_numbers=("K123456",)),
        rec("حمزة|الغربي", "2005-06-27", "M", document_numbers=("K123456",)),
        "match",
    ),
    # sex or nationality missing or wrong on one side
    (rec("Moussa|Koné", "1992-08-08", "M"), rec("Moussa|Kone", "1992-08-08", ""), "found"),
    (
        rec("Seydou|Keïta", "1987-02-14", "M", "ML"),
        rec("Seydou|Keita", "1987-02-14", "M", "GN"),
        "found",
    ),
]


@pytest.mark.parametrize(("a", "b", "expected"), SAME_PERSON_WEAKER)
def test_one_person_with_weaker_evidence(a, b, expected):
    assert_level(a, b, expected)


# Different persons the registry is full of: relatives and namesakes. Never "match".
RELATIVES_AND_NAMESAKES = [
    # father and son with one name, a generation apart
    (rec("Mohamed|Alaoui", "1962-03-01", "M"), rec("Mohamed|Alaoui", "1990-07-12", "M"), "none"),
    (rec("محمد|بن علي", "1958", "M"), rec("Mohamed|Benali", "1986-05-05", "M"), "none"),
    (rec("Mamadou|Diallo", "1965-01-01", "M"), rec("Mamadou|Diallo", "1995-01-01", "M"), "none"),
    (rec("Idir|Ait Ahmed", "1955", "M"), rec("Idir|Ait Ahmed", "1983", "M"), "none"),
    (
        rec("Ahmed|Tazi", "1960-02-02", "M", phone="0611111111"),
        rec("Ahmed|Tazi", "1988-09-09", "M", phone="0611111111"),
        "not match",
    ),
    # siblings: one family name, one phone, other given names
    (
        rec("Youssef|Bennani", "1995-04-04", "M", phone="0622222222"),
        rec("Yassine|Bennani", "1997-08-08", "M", phone="0622222222"),
        "none",
    ),
    (
        rec("Fatima|El Idrissi", "1993-01-15", "F"),
        rec("Khadija|El Idrissi", "1993-06-20", "F"),
        "none",
    ),
    (
        rec("Aminata|Traoré", "1998-03-03", "F", phone="0633333333"),
        rec("Mariam|Traoré", "2001-12-12", "F", phone="0633333333"),
        "none",
    ),
    (
        rec("Hayat|Hassani", "1992-02-03", "F", phone="0698865509"),
        rec("Hichem|Hassani", "1992-02-03", "M", phone="0698865509"),
        "not match",
    ),
    (
        rec("Karim|Ouazzani", "1990-10-10", "M"),
        rec("Karima|Ouazzani", "1990-10-10", "F"),
        "not match",
    ),
    (rec("Moussa|Koné", "1994-05-05", "M"), rec("Adama|Koné", "1994-05-05", "M"), "not match"),
    # namesakes: one common name, other births
    (rec("Mohamed|Alaoui", "1990-05-12", "M"), rec("Mohamed|Alaoui", "1993-11-30", "M"), "none"),
    (rec("Fatima|Benali", "1985-01-01", "F"), rec("Fatima|Benali", "1979-06-06", "F"), "none"),
    (rec("Mamadou|Diallo", "1996-02-02", "M"), rec("Mamadou|Diallo", "1999-09-09", "M"), "none"),
    (rec("Nour|Alaoui", "1995-03-02", "F"), rec("Nour|Alaoui", "1988", "M"), "none"),
    (
        rec("Youssef|Amrani", "1991-07-07", "M"),
        rec("Youssef|Amrani", "1991-02-20", "M"),
        "not match",
    ),
    (
        rec("Aminata|Diallo", "1990-01-01", "F"),
        rec("Aminata|Diallo", "1990-08-17", "F"),
        "not match",
    ),
    (rec("Mohamed|Alaoui", "1990", "M"), rec("محمد|العلوي", "1990", "M"), "not match"),
    # one name, known to be different names
    (rec("محمد|التازي", "1990", "M"), rec("Mahmoud|Tazi", "1990", "M"), "not match"),
    (rec("Ali|Sow", "1990-01-01", "M"), rec("Ali|Sy", "1990-01-01", "M"), "not match"),
    (
        rec("Hamid|Berrada", "1980-01-01", "M"),
        rec("Rachid|Berrada", "1980-01-01", "M"),
        "not match",
    ),
    (rec("Ousmane|Cissé", "1993-03-03", "M"), rec("Ousmane|Sow", "1993-03-03", "M"), "not match"),
]


@pytest.mark.parametrize(("a", "b", "expected"), RELATIVES_AND_NAMESAKES)
def test_relatives_and_namesakes_are_not_matched(a, b, expected):
    assert_level(a, b, expected)


# Different persons altogether, born the same day.
STRANGERS = [
    ("محمد|العلوي", "Karim|Diallo"),
    ("Fatima|Bennani", "Aminata|Traoré"),
    ("Idir|Ait Ahmed", "Youssef|Tazi"),
    ("Mamadou|Sow", "Moussa|Camara"),
    ("خديجة|الفاسي", "Nadia|Berkani"),
    ("Itto|Oufkir", "Awa|Ndiaye"),
    ("عبد القادر|بنجلون", "Abdelaziz|Benkirane"),
    ("Ibrahima|Keïta", "Ibrahim|Khalil"),
    ("Soukaina|Mrabet", "Salma|Marrakchi"),
    ("Ousmane|Ouédraogo", "Othmane|Ouazzani"),
]


@pytest.mark.parametrize(("a", "b"), STRANGERS)
def test_strangers_born_the_same_day_are_not_candidates(a, b):
    sex = "F" if a in ("Fatima|Bennani", "خديجة|الفاسي", "Itto|Oufkir", "Soukaina|Mrabet") else "M"
    assert level(rec(a, "1992-02-02", sex), rec(b, "1992-02-02", sex)) is None


def score(a: PersonRecord, b: PersonRecord) -> float:
    return compare(a, b, match_threshold=1, possible_threshold=1).score


def level(a: PersonRecord, b: PersonRecord) -> str | None:
    forward = compare(
        a, b, match_threshold=DEFAULT_MATCH_THRESHOLD, possible_threshold=DEFAULT_POSSIBLE_THRESHOLD
    )
    backward = compare(
        b, a, match_threshold=DEFAULT_MATCH_THRESHOLD, possible_threshold=DEFAULT_POSSIBLE_THRESHOLD
    )
    assert forward.level == backward.level  # a against b reads as b against a
    return forward.level


def assert_level(a: PersonRecord, b: PersonRecord, expected: str) -> None:
    found = level(a, b)
    if expected == "match":
        assert found == "match"
    elif expected == "found":
        assert found in ("match", "possible")
    elif expected == "not match":
        assert found != "match"
    else:
        assert found is None


def test_the_table_is_large_and_covers_both_scripts():
    pairs = 2 * len(SAME_NAME_SPELLINGS) + len(SAME_PERSON_WEAKER)
    pairs += len(RELATIVES_AND_NAMESAKES) + len(STRANGERS)
    assert pairs >= 150
    arabic = sum(has_arabic(a) or has_arabic(b) for a, b, _ in SAME_NAME_SPELLINGS)
    assert arabic >= 50
