"""The boilerplate engine: seeds, every category in every language, blocks, rule files."""

from __future__ import annotations

from pathlib import Path

import pytest

from bench.boilerplate_eval import (
    APPEAL,
    MIN_APPEAL_RECALL,
    MIN_ARTICLE_KEPT,
    MIN_REMOVAL_PRECISION,
    article_kept,
    judge,
    load_documents,
    removal_score,
)
from extractors.boilerplate import (
    RULES_VERSION,
    clean_lines,
    learn_templates,
    load_ruleset,
    normalise_line,
)

SEEDS = Path(__file__).resolve().parent.parent / "seeds"


def seed_lines(prefix: str) -> list[str]:
    """Body lines of a seed as the brief defines them (003 loses its date/title line)."""
    path = next(SEEDS.glob(f"{prefix}_*.txt"))
    lines = [line.strip() for line in path.read_text(encoding="utf-8").splitlines()]
    lines = [line for line in lines if line]
    return lines[1:] if prefix == "003" else lines


def removed_texts(lines: list[str]) -> list[str]:
    return [removal.text for removal in clean_lines(lines, load_ruleset()).removals]


# --- seeds -------------------------------------------------------------------------------


def test_seed_000_links_and_ai_byline_footer_removed_author_found() -> None:
    lines = seed_lines("000")
    cleaned = clean_lines(lines, load_ruleset())
    footer = lines[-1]
    assert footer.startswith("This article is made and published by Kathrine Frich")
    expected = ["Others are reading now", "Also read", "Also read", "Also read", footer]
    assert [removal.text for removal in cleaned.removals] == expected
    assert ("author", "Kathrine Frich") in cleaned.found
    assert list(cleaned.lines) == [line for line in lines if line not in expected]


def test_seed_000_subheadings_kept() -> None:
    kept = clean_lines(seed_lines("000"), load_ruleset()).lines
    for heading in ("Fury over a missed chance", "Kremlin rejects ceasefire"):
        assert heading in kept
    assert "Trump postpones Budapest summit" in kept


def test_seed_004_whole_appeal_is_one_block_with_publisher_found() -> None:
    lines = seed_lines("004")
    start = lines.index("A Message from The Moscow Times:")
    end = lines.index("Remind me later.") + 1
    cleaned = clean_lines(lines, load_ruleset())
    [removal] = cleaned.removals
    assert (removal.line_start, removal.line_end) == (start, end)
    assert removal.text == "\n".join(lines[start:end])
    assert removal.category == "donation_appeal"
    assert cleaned.found == (("publisher", "The Moscow Times"),)
    assert list(cleaned.lines) == lines[:start]


@pytest.mark.parametrize("prefix", ["001", "002", "003"])
def test_seeds_without_boilerplate_keep_every_line(prefix: str) -> None:
    lines = seed_lines(prefix)
    cleaned = clean_lines(lines, load_ruleset())
    assert cleaned.removals == ()
    assert list(cleaned.lines) == lines


# --- every category in every language ----------------------------------------------------

POSITIVES = {
    "related_links": [
        "Also read",
        "READ MORE: Senate passes budget bill",
        "Lesen Sie auch",
        "Das könnte Sie auch interessieren",
        "À lire aussi",
        "Lire aussi : Les députés rejettent la réforme",
        "Lea también",
        "Noticias relacionadas",
        "Читайте также",
        "Другие читают сейчас",
        "Читайте також",
        "Вас може зацікавити",
    ],
    "donation_appeal": [
        "If you value our journalism, please consider supporting us with a donation of any size.",
        "Wenn Ihnen dieser Artikel gefallen hat, unterstützen Sie unsere Arbeit mit einer Spende.",
        "Si vous appréciez notre travail, soutenez-nous par un don.",
        "Si valoras nuestro trabajo, apóyanos con una aportación mensual.",
        "Если вам важна наша работа, пожалуйста, поддержите нас.",
        "Якщо ви цінуєте нашу роботу, будь ласка, підтримайте нас.",
    ],
    "newsletter": [
        "Sign up for our free daily newsletter to get the latest headlines.",
        "Melden Sie sich für unseren kostenlosen Newsletter an.",
        "Abonnez-vous à notre newsletter quotidienne.",
        "Suscríbete a nuestro boletín diario.",
        "Подпишитесь на нашу еженедельную рассылку",
        "Підпишіться на нашу щотижневу розсилку",
    ],
    "paywall": [
        "This article is available to subscribers only.",
        "Dieser Artikel ist nur für Abonnenten verfügbar.",
        "Cet article est réservé aux abonnés.",
        "Este artículo es exclusivo para suscriptores.",
        "Этот материал доступен только подписчикам.",
        "Цей матеріал доступний лише передплатникам.",
    ],
    "social_promo": [
        "Follow us on Twitter and Facebook",
        "Folgen Sie uns auf Instagram",
        "Suivez-nous sur Twitter",
        "Síguenos en Instagram",
        "Подписывайтесь на нас в Telegram",
        "Підписуйтеся на наш Telegram-канал",
    ],
    "app_promo": [
        "Download our app for the latest news.",
        "Laden Sie unsere App herunter.",
        "Téléchargez notre application",
        "Descarga nuestra app",
        "Скачайте наше приложение",
        "Завантажте наш застосунок",
    ],
    "affiliate": [
        "We may earn a commission from links on this page.",
        "Wir erhalten eine Provision, wenn Sie über diese Links einkaufen.",
        "Nous pouvons percevoir une commission sur les achats effectués via nos liens.",
        "Podemos recibir una comisión por las compras realizadas a través de estos enlaces.",
        "Мы можем получать комиссию за покупки по ссылкам в этой статье.",
        "Ми можемо отримувати комісію за покупки за посиланнями.",
    ],
    "consent": [
        "We use cookies to improve your experience.",
        "Wir verwenden Cookies, um Ihnen das beste Nutzererlebnis zu bieten.",
        "Ce site utilise des cookies.",
        "Este sitio web utiliza cookies.",
        "Мы используем файлы cookie.",
        "Цей сайт використовує файли cookie.",
    ],
    "ai_disclosure": [
        "This article was written with the help of AI.",
        "Dieser Artikel wurde mit Hilfe von KI erstellt.",
        "Cet article a été généré par une intelligence artificielle.",
        "Este texto fue generado con inteligencia artificial.",
        "Этот текст сгенерирован нейросетью.",
        "Цей текст створено за допомогою ШІ.",
    ],
}
BYLINES = [
    ("This article is written and edited by John Smith, who used AI tools.", "John Smith"),
    ("Dieser Artikel wurde von Anna Schmidt verfasst.", "Anna Schmidt"),
    ("Cet article a été rédigé et publié par Marie Dupont.", "Marie Dupont"),
    ("Este artículo ha sido elaborado y publicado por Carlos Pérez.", "Carlos Pérez"),
    ("Автор: Иван Петров", "Иван Петров"),
    ("Автор: Олена Коваль", "Олена Коваль"),
]
ARTICLE_BEFORE = "The regional council met on Tuesday to discuss the budget."
ARTICLE_AFTER = "The vote is expected next week."


@pytest.mark.parametrize(
    ("category", "line"), [(c, line) for c, lines in POSITIVES.items() for line in lines]
)
def test_category_removed_in_every_language(category: str, line: str) -> None:
    cleaned = clean_lines([ARTICLE_BEFORE, line, ARTICLE_AFTER], load_ruleset())
    assert [(r.category, r.text, r.line_start) for r in cleaned.removals] == [(category, line, 1)]
    assert cleaned.lines == (ARTICLE_BEFORE, ARTICLE_AFTER)


@pytest.mark.parametrize(("line", "author"), BYLINES)
def test_byline_footer_removed_with_author_found(line: str, author: str) -> None:
    cleaned = clean_lines([ARTICLE_BEFORE, line], load_ruleset())
    assert [r.category for r in cleaned.removals] == ["byline_footer"]
    assert cleaned.found == (("author", author),)


def test_credit_line_names_every_reporter() -> None:
    line = "Reporting by Anna Kowalski and Tom Reyes; Editing by Maria Lopez"
    found = clean_lines([ARTICLE_BEFORE, line], load_ruleset()).found
    assert found == (("author", "Anna Kowalski"), ("author", "Tom Reyes"))


INLINE_APPEALS = [
    "Will you help keep the Herald free for all by making a financial contribution today?",
    "We rely on readers like you to fund our journalism. Please give what you can.",
    "Nonprofit journalism depends on readers. Make a tax-deductible gift today.",
    "Unterstützen Sie unabhängigen Journalismus: Mit Ihrem Beitrag sichern Sie unsere Recherchen.",
    "Ce journalisme a un coût. Pour le soutenir, abonnez-vous.",
    "Tu aportación nos ayuda a seguir informando con independencia.",
    "Пожалуйста, поддержите «Вестник» — нам очень нужна ваша помощь.",
    "Ваша підтримка допомагає нам працювати незалежно. Задонатьте сьогодні.",
]


@pytest.mark.parametrize("line", INLINE_APPEALS)
def test_mid_article_one_paragraph_appeal_removed(line: str) -> None:
    cleaned = clean_lines([ARTICLE_BEFORE, line, ARTICLE_AFTER], load_ruleset())
    assert [(r.category, r.text) for r in cleaned.removals] == [("donation_appeal", line)]


# --- blocks --------------------------------------------------------------------------------

GERMAN_BLOCK = [
    "Liebe Leserinnen und Leser,",
    "guter Journalismus kostet Geld. Wir finanzieren uns vor allem durch Ihre Beiträge.",
    "Bitte unterstützen Sie uns – schon 5 Euro im Monat helfen.",
    "Jetzt spenden",
    "Vielleicht später",
]
RUSSIAN_BLOCK = [
    "Дорогие читатели!",
    "Мы работаем без рекламы и инвесторов, а наш сайт заблокирован в России.",
    "Ваша поддержка — единственное, что позволяет нам продолжать работу.",
    "Поддержать",
]


@pytest.mark.parametrize("block", [GERMAN_BLOCK, RUSSIAN_BLOCK])
def test_mid_article_block_removed_whole_and_nothing_outside(block: list[str]) -> None:
    before = [
        "Der Stadtrat tagte am Dienstag.",
        "„Wir brauchen Ihre Hilfe“, sagte der Bürgermeister.",
    ]
    after = ["Die Abstimmung folgt nächste Woche.", "Wir werden berichten, sagte die Sprecherin."]
    cleaned = clean_lines(before + block + after, load_ruleset())
    [removal] = cleaned.removals
    assert (removal.line_start, removal.line_end) == (2, 2 + len(block))
    assert removal.text == "\n".join(block)
    assert list(cleaned.lines) == before + after


def test_block_found_backwards_from_button_keeps_quote_before_it() -> None:
    quote = "“We are not giving up,” said the mayor, who asked residents for their support."
    appeal = [
        "We’re an independent newsroom, and readers like you fund our journalism.",
        "A gift of any size helps us keep reporting. Thank you for your support.",
        "Give now",
    ]
    cleaned = clean_lines([ARTICLE_BEFORE, quote, *appeal, ARTICLE_AFTER], load_ruleset())
    [removal] = cleaned.removals
    assert (removal.line_start, removal.line_end) == (2, 5)
    assert cleaned.lines == (ARTICLE_BEFORE, quote, ARTICLE_AFTER)


def test_block_length_is_bounded() -> None:
    voice = [f"We need your support to keep reporting, reader number {n}." for n in range(30)]
    lines = ["Dear readers,", *voice, "Donate now"]
    removals = clean_lines(lines, load_ruleset()).removals
    assert all(r.line_end - r.line_start <= 14 for r in removals)
    assert "Dear readers," in removals[0].text
    assert removals[0].line_end < len(lines) - 1


def test_heading_alone_is_not_a_block() -> None:
    lines = ["A message from Moscow", "The Kremlin’s reply came within hours.", ARTICLE_AFTER]
    assert clean_lines(lines, load_ruleset()).removals == ()


def test_blank_lines_are_dropped_unrecorded_and_indexes_point_into_input() -> None:
    lines = ["", ARTICLE_BEFORE, "   ", "Also read", "\t", ARTICLE_AFTER]
    cleaned = clean_lines(lines, load_ruleset())
    assert cleaned.lines == (ARTICLE_BEFORE, ARTICLE_AFTER)
    assert [(r.line_start, r.line_end) for r in cleaned.removals] == [(3, 4)]


# --- precision: article sentences that only talk about these things ----------------------

TRICKY_ARTICLE_SENTENCES = [
    "The charity said donations had fallen by a third.",
    "Subscribers to the service were notified.",
    "The model was trained on AI-generated text.",
    "Read more than 300 pages of the report and you will find no mention of the bridge.",
    "“We need your help to find the missing boy,” police said.",
    "Follow the money, investigators said.",
    "The newsletter, founded in 2019, has 40,000 subscribers.",
    "He urged supporters to follow him on Telegram.",
    "Regulators fined the company for using cookies without consent.",
    "Amazon cut the commission it pays affiliates by half, sellers said.",
    "This article was updated on Tuesday to include comments from the ministry.",
    "Please support the ceasefire, the UN chief told both sides.",
    "Support for the measure fell to 41 percent in the latest poll.",
    "Others are reading the ruling differently.",
    "You have reached the limit of what this court can do.",
    "Museum members get free entry, and you can become a member for $60 a year.",
    "If you can, make a donation to the Red Cross.",
    "If you want to help flood victims, you can donate to the Red Cross or local food banks.",
    "If you support independent journalism, you should be alarmed by this bill.",
    "Many of you have asked us how to help the victims. Here is how you can donate.",
    "By clicking on a link in the email, users unknowingly gave consent to the tracking.",
    "Die Spenden an die Tafeln sind um ein Drittel zurückgegangen.",
    "Abonnenten des Streamingdienstes wurden per E-Mail informiert.",
    "Das Modell wurde mit KI-generierten Texten trainiert.",
    "Mehr zum Thema wollte der Minister nicht sagen.",
    "Unterstützen Sie die Ukraine, forderte der Kanzler die Verbündeten auf.",
    "Wir bitten Sie, uns bei der Suche nach Zeugen zu unterstützen, teilte die Polizei mit.",
    "Wir verwenden Cookies nur mit Einwilligung, erklärte das Unternehmen.",
    "Les dons à la Croix-Rouge ont baissé de 20 %, selon l'association.",
    "Les abonnés du service ont été prévenus par courriel.",
    "Le modèle a été entraîné sur des textes générés par l'IA.",
    "« Soutenez-nous », ont scandé les manifestants.",
    "Nous utilisons des cookies, reconnaît la société dans un communiqué.",
    "Vous pouvez soutenir les sinistrés en faisant un don à la Fondation de France.",
    "Las donaciones a Cáritas cayeron un 30 %.",
    "Los suscriptores de la plataforma recibieron un correo.",
    "El modelo fue entrenado con textos generados por IA.",
    "Te puede interesar saber que el plazo termina el viernes, explicó la funcionaria.",
    "Si quieres ayudar a los damnificados, puedes colaborar con la Cruz Roja.",
    "Благотворительный фонд сообщил, что пожертвования сократились на треть.",
    "Подписчики сервиса получили уведомление.",
    "Модель обучали на текстах, сгенерированных ИИ.",
    "«Поддержите нас», — просили участники акции.",
    "Подробнее о проекте рассказали в мэрии.",
    "Вы можете поддержать пострадавших, перечислив деньги в фонд «Вера».",
    "Волонтери зібрали пожертви на три пікапи.",
    "Передплатники сервісу отримали листи з новими тарифами.",
    "Модель навчали на текстах, згенерованих ШІ.",
    "«Підтримайте нас», — закликали учасники акції.",
    "Детальніше про програму розповіли в міськраді.",
    "Ви можете підтримати ЗСУ через United24.",
]


@pytest.mark.parametrize("sentence", TRICKY_ARTICLE_SENTENCES)
def test_article_sentence_about_the_topic_is_kept(sentence: str) -> None:
    assert removed_texts([ARTICLE_BEFORE, sentence, ARTICLE_AFTER]) == []


def test_tricky_sentences_survive_next_to_an_appeal() -> None:
    appeal = ["Support independent journalism", "Readers like you keep us going.", "Donate now"]
    lines = [*TRICKY_ARTICLE_SENTENCES[:6], *appeal, *TRICKY_ARTICLE_SENTENCES[6:12]]
    assert removed_texts(lines) == ["\n".join(appeal)]


# --- rule sets: scope, disabling, user files, errors, versions ------------------------------

USER_RULES = """
[[rule]]
name = "house-promo"
version = 2
category = "social_promo"
languages = ["en"]
source = "site-a"
patterns = ['join the (?P<publisher>[^ ]+ [^ ]+) club.*']
"""


def write_rules(tmp_path: Path, text: str, name: str = "house.toml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_user_rule_file_is_loaded_and_scoped_to_its_source(tmp_path: Path) -> None:
    ruleset = load_ruleset([write_rules(tmp_path, USER_RULES)])
    lines = [ARTICLE_BEFORE, "Join the Valley Herald club today!"]
    scoped = clean_lines(lines, ruleset, source_id="site-a")
    assert [(r.rule, r.rule_version) for r in scoped.removals] == [("house-promo", "2")]
    assert scoped.found == (("publisher", "Valley Herald"),)
    assert clean_lines(lines, ruleset, source_id="site-b").removals == ()
    assert clean_lines(lines, ruleset).removals == ()


def test_user_rule_file_changes_the_version(tmp_path: Path) -> None:
    ruleset = load_ruleset([write_rules(tmp_path, USER_RULES)])
    assert "house-promo" in ruleset.names
    assert ruleset.version.startswith(RULES_VERSION + "+") and ruleset.version != RULES_VERSION


def test_rule_disabled_everywhere_or_for_one_source() -> None:
    lines = [ARTICLE_BEFORE, "Also read"]
    everywhere = load_ruleset(disabled=["related-label-en"])
    assert clean_lines(lines, everywhere, source_id="x").removals == ()
    per_source = load_ruleset(disabled=["site-a:related-label-en"])
    assert clean_lines(lines, per_source, source_id="site-a").removals == ()
    assert len(clean_lines(lines, per_source, source_id="site-b").removals) == 1


def test_disabling_an_unknown_rule_is_an_error() -> None:
    with pytest.raises(ValueError, match="related-label-xx"):
        load_ruleset(disabled=["related-label-xx"])


MALFORMED = {
    "not toml": "[[rule]\nname = 1",
    "bad regex": USER_RULES.replace("club.*", "club(.*"),
    "unknown category": USER_RULES.replace("social_promo", "adverts"),
    "unknown key": USER_RULES.replace("source =", "sauce ="),
    "no patterns": USER_RULES.replace("patterns =", "# patterns ="),
    "bad capture name": USER_RULES.replace("?P<publisher>", "?P<owner>"),
    "unknown var": USER_RULES.replace("club.*", "club{{nothing}}"),
}


@pytest.mark.parametrize("problem", sorted(MALFORMED))
def test_malformed_rule_file_names_file_and_problem_on_one_line(
    tmp_path: Path, problem: str
) -> None:
    path = write_rules(tmp_path, MALFORMED[problem], name="broken.toml")
    with pytest.raises(ValueError) as error:
        load_ruleset([path])
    message = str(error.value)
    assert str(path) in message and "\n" not in message


def test_user_rule_name_clashing_with_builtin_is_an_error(tmp_path: Path) -> None:
    path = write_rules(tmp_path, USER_RULES.replace("house-promo", "related-label-en"))
    with pytest.raises(ValueError, match="related-label-en"):
        load_ruleset([path])


def test_rules_version_is_stable_across_loads() -> None:
    assert load_ruleset().version == load_ruleset().version == RULES_VERSION
    assert RULES_VERSION.split("+")[0] and len(RULES_VERSION.split("+")[1]) == 8
    assert load_ruleset(disabled=["related-label-en"]).version != RULES_VERSION


# --- learned templates ---------------------------------------------------------------------

TEMPLATE = "Got a tip? Write to our newsroom at tips@example.org."


def source_documents() -> list[list[str]]:
    background = (
        "Russia launched its full-scale invasion of Ukraine in February 2022, "
        "and the fighting has since killed tens of thousands of people."
    )
    quote = "“We will rebuild,” the mayor said."
    return [
        [f"Story {n} opens with its own news.", "Background", background, quote, TEMPLATE]
        for n in range(4)
    ]


def test_learn_templates_keeps_only_template_like_recurring_lines() -> None:
    assert learn_templates(source_documents()) == frozenset({normalise_line(TEMPLATE)})
    assert learn_templates(source_documents()[:2]) == frozenset()


def test_learned_template_lines_are_removed() -> None:
    learned = learn_templates(source_documents())
    lines = [
        ARTICLE_BEFORE,
        "  GOT A TIP?  Write to our newsroom at tips@example.org ",
        ARTICLE_AFTER,
    ]
    cleaned = clean_lines(lines, load_ruleset(), source_id="s", learned=learned)
    assert [(r.rule, r.category, r.line_start) for r in cleaned.removals] == [
        ("learned-template", "template", 1)
    ]
    disabled = load_ruleset(disabled=["s:learned-template"])
    assert clean_lines(lines, disabled, source_id="s", learned=learned).removals == ()


def test_normalise_line() -> None:
    assert normalise_line("  « Also  READ » … ") == "also read"
    assert normalise_line("Ｆｕｌｌｗｉｄｔｈ\u00a0text!") == "fullwidth text"


TRICKY_LINES = [
    "  « Also  READ » … ",
    "Ｆｕｌｌｗｉｄｔｈ\u00a0text!",
    "STRASSE und Straße",  # casefold makes ß "ss"
    "ﬁnal ofﬁce hours",  # NFKC undoes the ligatures
    "Cafe\u0301 du matin",  # a combining accent NFKC joins to its letter
    "\u0301leading mark, then text",
    "Подписывайтесь на наш Telegram-канал!",
    "\t tabs\tand\u2003em spaces \u00a0",
    "***Subscribe***",
]


@pytest.mark.parametrize("line", TRICKY_LINES)
def test_the_template_prefilter_finds_every_line_it_must(line: str) -> None:
    from extractors.boilerplate.templates import may_hold_any

    text = "\n".join(["Ａ first line.", line, "ÉCOLE last line"])
    assert may_hold_any({normalise_line(line)}, text)
    assert may_hold_any({"unrelated", normalise_line(line)}, line)


def test_the_template_prefilter_rules_out_texts_without_the_line() -> None:
    from extractors.boilerplate.templates import may_hold_any

    texts = ["Officials said talks resumed.", "Subscribe to our newsletter today"]
    assert not any(may_hold_any({"also read", "follow us on telegram"}, text) for text in texts)


def test_the_template_prefilter_agrees_on_generated_pages() -> None:
    from bench.pages import page_html
    from extractors.boilerplate.templates import may_hold_any
    from extractors.html import parse_html

    for index in range(40):
        lines = parse_html(page_html(index)).lines
        text = "\n".join(lines)
        keys = {normalise_line(line) for line in lines}
        assert all(may_hold_any({key}, text) for key in keys)


# --- the labelled evaluation set -------------------------------------------------------------


def test_evaluation_set_meets_precision_and_recall_thresholds() -> None:
    documents = load_documents()
    assert len(documents) >= 40
    lines = judge(documents, load_ruleset())
    assert article_kept(lines) >= MIN_ARTICLE_KEPT
    assert removal_score(lines).precision >= MIN_REMOVAL_PRECISION
    assert removal_score(lines, [APPEAL]).recall >= MIN_APPEAL_RECALL
