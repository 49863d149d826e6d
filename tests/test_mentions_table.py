"""Which entities each sentence mentions, in English, Russian, German and Ukrainian.

A table a reader can check line by line: the entities, then one row per sentence with its
language and the ids of the entities it mentions (a set: how often is tested elsewhere), and
the ids it names only ambiguously. The sentences are written for this test.
"""

from __future__ import annotations

import pytest

from exilekg.anchor import NormalizedText
from exilekg.mentions import MentionFinder

ENTITIES = [
    ("navalny", "Person", ["Alexei Navalny", "Алексей Навальный", "Олексій Навальний"]),
    ("navalnaya", "Person", ["Yulia Navalnaya", "Юлия Навальная", "Юлія Навальна"]),
    ("volkov", "Person", ["Leonid Volkov", "Леонид Волков", "Леонід Волков", "Leonid Wolkow"]),
    ("yarmysh", "Person", ["Kira Yarmysh", "Кира Ярмыш", "Кіра Ярмиш"]),
    ("pevchikh", "Person", ["Maria Pevchikh", "Мария Певчих"]),
    ("a-litvinenko", "Person", ["Alexander Litvinenko"]),
    ("m-litvinenko", "Person", ["Marina Litvinenko", "Marina"]),
    (
        "fbk",
        "Organization",
        ["Anti-Corruption Foundation", "FBK", "Фонд борьбы с коррупцией", "Фонд боротьби з корупцією"],
    ),
    ("memorial", "Organization", ["Memorial", "Мемориал"]),
    ("vilnius", "Place", ["Vilnius", "Вильнюс", "Вільнюс"]),
    ("berlin", "Place", ["Berlin", "Берлин", "Берлін"]),
    ("ussr", "Place", ["Soviet Union", "Soviet", "USSR"]),
    ("russia", "Place", ["Russia", "Россия", "Росія", "Russland"]),
    ("frf", "Organization", ["Free Russia Forum", "Форум свободной России"]),
]

TABLE: list[tuple[str, str, set[str], set[str]]] = [
    # English
    ("en", "Alexei Navalny returned to Russia in 2021.", {"navalny", "russia"}, set()),
    ("en", "Navalny's team moved to Vilnius.", {"navalny", "vilnius"}, set()),
    ("en", "Yulia Navalnaya spoke in Berlin.", {"navalnaya", "berlin"}, set()),
    ("en", "The FBK published an investigation.", {"fbk"}, set()),
    ("en", "The Anti-Corruption Foundation and Memorial were banned.", {"fbk", "memorial"}, set()),
    ("en", "Soviet and post-Soviet regimes persecuted dissidents.", {"ussr"}, set()),
    ("en", "Many ex-Soviet states joined.", set(), set()),
    ("en", "The Free Russia Forum met again.", {"frf"}, set()),
    ("en", "Litvinenko was poisoned in London.", set(), {"a-litvinenko", "m-litvinenko"}),
    ("en", "His widow, Marina, took over.", {"m-litvinenko"}, set()),
    ("en", "Volkov was attacked with a hammer.", {"volkov"}, set()),
    ("en", "A memorial service was held.", set(), set()),
    # Russian
    ("ru", "Соратники Алексея Навального остаются в Вильнюсе.", {"navalny", "vilnius"}, set()),
    ("ru", "Навальному вынесли новый приговор.", {"navalny"}, set()),
    ("ru", "Юлию Навальную поддержали в Берлине.", {"navalnaya", "berlin"}, set()),
    ("ru", "Речь Навальной транслировали.", {"navalnaya"}, set()),
    ("ru", "Леонида Волкова избили возле дома.", {"volkov"}, set()),
    ("ru", "Волкову стало лучше.", {"volkov"}, set()),
    ("ru", "В лесу не осталось волков.", set(), set()),
    ("ru", "Расследование Фонда борьбы с коррупцией вышло вчера.", {"fbk"}, set()),
    ("ru", "ФБК опубликовал новое расследование.", {"fbk"}, set()),
    ("ru", "Певчих рассказала о работе команды.", {"pevchikh"}, set()),
    ("ru", "Кира Ярмыш и Мария Певчих выступили вместе.", {"yarmysh", "pevchikh"}, set()),
    ("ru", "«Мемориал» ликвидировали по решению суда.", {"memorial"}, set()),
    ("ru", "На площади поставили мемориал.", set(), set()),
    ("ru", "Участники Форума свободной России собрались снова.", {"frf"}, set()),
    ("ru", "Из России уехали сотни тысяч человек.", {"russia"}, set()),
    # German
    ("de", "Alexej Nawalny starb im Straflager.", set(), set()),
    ("de", "Nach dem Tod von Alexei Navalny gab es Proteste in Berlin.", {"navalny", "berlin"}, set()),
    ("de", "Navalnys Witwe sprach in München.", {"navalny"}, set()),
    ("de", "Leonid Wolkow lebt in Vilnius.", {"volkov", "vilnius"}, set()),
    ("de", "Wolkow wurde angegriffen.", {"volkov"}, set()),
    ("de", "Die Stiftung FBK arbeitet aus dem Exil.", {"fbk"}, set()),
    ("de", "Russland verfolgt die Opposition.", {"russia"}, set()),
    ("de", "Der postsowjetische Raum ist groß.", set(), set()),
    # Ukrainian
    ("uk", "Соратники Олексія Навального залишаються у Вільнюсі.", {"navalny", "vilnius"}, set()),
    ("uk", "Навальному винесли новий вирок.", {"navalny"}, set()),
    ("uk", "Юлію Навальну підтримали в Берліні.", {"navalnaya", "berlin"}, set()),
    ("uk", "Леоніда Волкова побили біля дому.", {"volkov"}, set()),
    ("uk", "Розслідування Фонду боротьби з корупцією вийшло вчора.", {"fbk"}, set()),
    ("uk", "Кіра Ярмиш виступила на форумі.", {"yarmysh"}, set()),
    ("uk", "З Росії виїхали сотні тисяч людей.", {"russia"}, set()),
    ("uk", "У лісі багато вовків.", set(), set()),
]


@pytest.fixture(scope="module")
def finder() -> MentionFinder:
    return MentionFinder(ENTITIES)


def test_the_table_has_forty_sentences_in_four_languages() -> None:
    assert len(TABLE) >= 40
    assert {language for language, *_ in TABLE} == {"en", "ru", "de", "uk"}


@pytest.mark.parametrize(("language", "sentence", "mentioned", "ambiguous"), TABLE)
def test_sentence(
    finder: MentionFinder, language: str, sentence: str, mentioned: set[str], ambiguous: set[str]
) -> None:
    found = finder.find(NormalizedText(sentence), language)
    assert {m.entity for m in found} == mentioned
    assert {c for a in found.ambiguous for c in a.candidates} == ambiguous
    for mention in found:
        assert sentence[mention.start : mention.end] == mention.exact
