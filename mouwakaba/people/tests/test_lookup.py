"""The duplicate check at registration counts no key further than it needs (issue #6):
the bounds must change nothing the engine promises — which keys are taken, so which
persons are compared, and how common a name is counted — and a lookup costs the same
queries however many persons it finds."""

from datetime import date

import pytest
from django.db import connection
from django.db.models import Count
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from mouwakaba.accounts.models import User
from mouwakaba.people import duplicates
from mouwakaba.people.duplicates import (
    COMMON_KEY_PERSONS,
    _lookup_counts,
    _stats,
    candidates_for,
    find_candidates,
    keys_of,
    record_of,
    recount_common_keys,
    run_batch,
)
from mouwakaba.people.matching import (
    BLOCKING_VERSION,
    DEFAULT_MAX_BLOCK_SIZE,
    keys_within_budget,
)
from mouwakaba.people.models import CommonMatchKey, DuplicateRun, Person, PersonMatchKey
from mouwakaba.people.tests.factories import make_person

pytestmark = pytest.mark.django_db

BENALI = {
    "given_name_ar": "",
    "family_name_ar": "",
    "given_name_lat": "Mohamed",
    "family_name_lat": "Benali",
    "phone": "0661234567",
    "birth_date": date(1990, 5, 17),
}


def file_under(personas, key: str, persons: int) -> list[Person]:
    """``persons`` bare files stored under ``key`` and nothing else: a crowded block
    without registering each one."""
    made = Person.objects.bulk_create(
        Person(
            given_name_lat=f"Filler{n}",
            family_name_lat="Filler",
            sex="F",
            population="migrant",
            registered_by_cell=personas.cell_b,
            registered_by=personas.agent_b,
        )
        for n in range(persons)
    )
    PersonMatchKey.objects.bulk_create(PersonMatchKey(person=p, key=key) for p in made)
    return made


def exact_counts(keys) -> dict[str, int]:
    """Every row counted, as the check did before it was bounded."""
    return dict(
        PersonMatchKey.objects.filter(key__in=list(keys))
        .values("key")
        .annotate(n=Count("id"))
        .values_list("key", "n")
    )


def test_lookup_keys_are_counted_exactly_up_to_the_largest_block_and_the_same_keys_are_taken(
    personas,
):
    cap = DEFAULT_MAX_BLOCK_SIZE
    sizes = {"k:one": 1, "k:at-cap": cap, "k:over-cap": cap + 1, "k:crowded": 3 * cap}
    for key, persons in sizes.items():
        file_under(personas, key, persons)
    keys = [*sizes, "k:nobody"]

    counts = _lookup_counts(keys)

    assert counts == {"k:one": 1, "k:at-cap": cap, "k:over-cap": cap + 1, "k:crowded": cap + 1}
    chosen = keys_within_budget(counts, max_block_size=cap)
    assert chosen == keys_within_budget(exact_counts(keys)) == ["k:one", "k:at-cap"]


@pytest.mark.parametrize(
    ("others", "found"), [(DEFAULT_MAX_BLOCK_SIZE - 1, True), (DEFAULT_MAX_BLOCK_SIZE, False)]
)
def test_a_person_reached_only_through_a_phone_is_found_while_the_phone_block_is_small(
    personas, others, found
):
    benali = make_person(personas.agent_b, **BENALI)
    # Filed under the phone alone: no name key leads to this file.
    PersonMatchKey.objects.filter(person=benali).exclude(key="p:0661234567").delete()
    file_under(personas, "p:0661234567", others)

    persons = [person for person, _result in candidates_for(record_of(benali), limit=500)]

    assert (benali in persons) is found


def test_common_keys_are_counted_again_by_the_batch(personas):
    # A run of this engine before: the batch keeps the stored keys.
    DuplicateRun.objects.create(blocking_version=BLOCKING_VERSION, finished_at=timezone.now())
    file_under(personas, "gn:common", COMMON_KEY_PERSONS)
    file_under(personas, "gn:rare", COMMON_KEY_PERSONS - 1)
    CommonMatchKey.objects.create(key="gn:gone", persons=5000)

    run_batch()

    assert dict(CommonMatchKey.objects.values_list("key", "persons")) == {
        "gn:common": COMMON_KEY_PERSONS
    }


def test_frequencies_are_exact_after_a_count_and_rare_ones_stay_exact_after_it(personas):
    sizes = {"fn:one": 1, "fn:rare": COMMON_KEY_PERSONS - 1, "fn:common": 3 * COMMON_KEY_PERSONS}
    for key, persons in sizes.items():
        file_under(personas, key, persons)
    keys = [*sizes, "fn:nobody"]
    assert recount_common_keys() == 1

    # Absent keys are left out, so that the engine counts them once.
    assert _stats(keys).counts == exact_counts(keys) == sizes

    file_under(personas, "fn:one", 1)
    file_under(personas, "fn:common", 1)
    file_under(personas, "fn:rare", 1)
    counts = _stats(keys).counts
    assert counts["fn:one"] == 2  # counted live
    # Read from the last count until the next one: a common name's share barely moves.
    assert counts["fn:common"] == 3 * COMMON_KEY_PERSONS
    # Common since the last count: as common as the threshold says, until the next one.
    assert counts["fn:rare"] == COMMON_KEY_PERSONS
    recount_common_keys()
    assert _stats(keys).counts == exact_counts(keys)


def test_the_registration_statistics_match_counting_every_row(personas):
    benali = make_person(personas.agent_b, **BENALI)
    for n in range(3):
        make_person(personas.agent_a, given_name_lat="Mohammed", phone=f"066123450{n}")
    recount_common_keys()
    keys = keys_of(record_of(benali))
    assert _stats(keys).counts == exact_counts(keys)


def test_a_lookup_costs_the_same_queries_however_many_it_finds(personas):
    record = record_of(make_person(personas.agent_b, **BENALI))
    duplicates._registry_size()  # refreshed every few minutes, not per lookup

    def queries() -> tuple[int, int]:
        agent = User.objects.get(pk=personas.agent_a.pk)  # as a new request loads them
        with CaptureQueriesContext(connection) as captured:
            found = find_candidates(agent, record)
        return len(captured.captured_queries), len(found)

    few = queries()
    for n in range(8):
        make_person(personas.agent_a, **{**BENALI, "phone": f"066123450{n}"})
    many = queries()

    assert few[1] == 1 and many[1] == 9
    # Key counts, persons filed under the chosen keys, their files, their documents,
    # the frequencies; the holding cells, the user's scope, the ones in it, the audit.
    assert few[0] == many[0] == 9


def test_a_name_whose_keys_are_longer_than_the_key_column_still_meets_itself(personas):
    """Keys are cut to the column's length when filed: a lookup must cut them the same
    way, or a long compound name would never be found again."""
    long_name = {
        "given_name_ar": "",
        "family_name_ar": "",
        "given_name_lat": "Bakhtarmazdagirtachkbaldafirgam",
        "family_name_lat": (
            "Bentchakchoukbelghazwanibenkhchichbelmskhtrizbouzghrandbelkhdirbenhmidoubelghar"
            "bibentazarkhnitbel"
        ),
        "phone": "",
        "birth_date": date(1984, 2, 3),
    }
    person = make_person(personas.agent_a, **long_name)
    record = record_of(person)
    assert any(
        len(key) > 64
        for key in duplicates.matcher().lookup_keys(duplicates.matcher().prepare(record))
    )
    found = candidates_for(record, exclude=[])
    assert [p.pk for p, _result in found] == [person.pk]
