"""Words for the benchmark's generated articles, and the boilerplate outlets put in them.

Sentences are built from subject + verb + object (+ detail), so every page differs while
staying plain reporting prose that language detection and the rules treat like real text.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Language:
    code: str
    subjects: tuple[str, ...]
    verbs: tuple[str, ...]
    objects: tuple[str, ...]
    details: tuple[str, ...]
    quotes: tuple[str, ...]
    names: tuple[str, ...]
    amount: str


ENGLISH = Language(
    code="en",
    subjects=(
        "the regional council",
        "officials in the capital",
        "the central bank",
        "a spokesperson for the ministry",
        "residents of the eastern districts",
        "the opposition leader",
        "emergency services",
        "the company's chief executive",
        "analysts at two investment banks",
        "the foreign minister",
        "local volunteers",
        "the union representing rail workers",
    ),
    verbs=(
        "announced new measures to",
        "warned that it would be difficult to",
        "agreed on Tuesday to",
        "rejected a proposal to",
        "has repeatedly promised to",
        "voted narrowly to",
        "is expected next week to",
        "asked the government to",
    ),
    objects=(
        "extend support for families hit by the floods",
        "cut subsidies for heating by a third",
        "reopen the bridge across the river before the winter",
        "raise interest rates for the fourth time this year",
        "review how the agency uses software to screen applications",
        "limit the number of licences a single provider may hold",
        "fund repairs to the water treatment plant",
        "postpone talks with the neighbouring government",
        "publish the findings of the inquiry in full",
        "ban the messaging service from government phones",
    ),
    details=(
        "according to figures released on Monday",
        "after a meeting that lasted more than six hours",
        "despite protests outside the building",
        "in a statement posted on its website",
        "two days after the deadline had passed",
        "following months of negotiations",
    ),
    quotes=(
        "“We cannot keep asking people to wait,” said {name}, who has led the campaign.",
        "“This is not the end of the process, it is the beginning,” {name} told reporters.",
        "{name} said the decision would be reviewed in the spring.",
        "“The numbers speak for themselves,” said {name}, an economist at the university.",
    ),
    names=("Maria Kovalenko", "James Whitfield", "Sofia Marquez", "Daniel Okafor", "Lena Braun"),
    amount="at a cost of {n} million euros",
)

GERMAN = Language(
    code="de",
    subjects=(
        "der Stadtrat",
        "die Landesregierung",
        "die Bundesbank",
        "ein Sprecher des Ministeriums",
        "die Anwohner im Osten der Stadt",
        "die Opposition",
        "die Feuerwehr",
        "der Vorstandschef des Konzerns",
    ),
    verbs=(
        "kündigte am Dienstag an,",
        "warnte davor,",
        "beschloss nach langer Debatte,",
        "lehnte es ab,",
        "versprach erneut,",
    ),
    objects=(
        "die Hilfen für Familien nach dem Hochwasser zu verlängern",
        "die Zuschüsse für Heizkosten um ein Drittel zu kürzen",
        "die Brücke über den Fluss noch vor dem Winter wieder zu öffnen",
        "die Leitzinsen zum vierten Mal in diesem Jahr anzuheben",
        "die Ergebnisse der Untersuchung vollständig zu veröffentlichen",
    ),
    details=(
        "wie aus am Montag veröffentlichten Zahlen hervorgeht",
        "nach einer mehr als sechsstündigen Sitzung",
        "trotz Protesten vor dem Rathaus",
        "nach monatelangen Verhandlungen",
    ),
    quotes=(
        "„Wir können die Menschen nicht länger warten lassen“, sagte {name}.",
        "{name} sagte, die Entscheidung werde im Frühjahr überprüft.",
    ),
    names=("Anna Schneider", "Thomas Weber", "Julia Hoffmann", "Markus Becker"),
    amount="was rund {n} Millionen Euro kosten soll",
)

FRENCH = Language(
    code="fr",
    subjects=(
        "le conseil municipal",
        "le gouvernement régional",
        "la banque centrale",
        "un porte-parole du ministère",
        "les habitants des quartiers est",
        "le chef de l'opposition",
    ),
    verbs=(
        "a annoncé mardi vouloir",
        "a averti qu'il serait difficile de",
        "a refusé de",
        "a promis à plusieurs reprises de",
        "devrait la semaine prochaine",
    ),
    objects=(
        "prolonger les aides aux familles touchées par les inondations",
        "réduire d'un tiers les subventions au chauffage",
        "rouvrir le pont sur le fleuve avant l'hiver",
        "publier l'intégralité des conclusions de l'enquête",
    ),
    details=(
        "selon des chiffres publiés lundi",
        "à l'issue d'une réunion de plus de six heures",
        "malgré des manifestations devant le bâtiment",
        "après des mois de négociations",
    ),
    quotes=(
        "« Nous ne pouvons pas continuer à faire attendre les gens », a déclaré {name}.",
        "{name} a indiqué que la décision serait réexaminée au printemps.",
    ),
    names=("Claire Dubois", "Julien Moreau", "Camille Laurent", "Nicolas Petit"),
    amount="pour un coût de {n} millions d'euros",
)

SPANISH = Language(
    code="es",
    subjects=(
        "el ayuntamiento",
        "el gobierno regional",
        "el banco central",
        "un portavoz del ministerio",
        "los vecinos de los barrios del este",
        "el líder de la oposición",
    ),
    verbs=(
        "anunció el martes que va a",
        "advirtió que será difícil",
        "rechazó la propuesta de",
        "prometió de nuevo",
        "decidió por estrecho margen",
    ),
    objects=(
        "ampliar las ayudas a las familias afectadas por las inundaciones",
        "recortar en un tercio las subvenciones a la calefacción",
        "reabrir el puente sobre el río antes del invierno",
        "publicar íntegramente las conclusiones de la investigación",
    ),
    details=(
        "según cifras publicadas el lunes",
        "tras una reunión de más de seis horas",
        "pese a las protestas frente al edificio",
        "después de meses de negociaciones",
    ),
    quotes=(
        "«No podemos seguir haciendo esperar a la gente», dijo {name}.",
        "{name} afirmó que la decisión se revisará en primavera.",
    ),
    names=("Lucía García", "Javier Martín", "Carmen López", "Pablo Sánchez"),
    amount="con un coste de {n} millones de euros",
)

LANGUAGES = (ENGLISH, GERMAN, FRENCH, SPANISH)

BOILERPLATE: dict[str, list[str]] = {
    "en": [
        "Also read: Markets fall as the central bank holds rates",
        "Sign up for our free morning newsletter",
        "Others are reading now",
        "This article was produced with the help of AI and checked by our editors.",
        "Dear readers, independent journalism needs your support. Donate today.",
    ],
    "de": [
        "Lesen Sie auch: Die Bahn erhöht erneut die Preise",
        "Jetzt für unseren kostenlosen Newsletter anmelden",
    ],
    "fr": [
        "À lire aussi : la réforme des retraites au Sénat",
        "Inscrivez-vous à notre newsletter quotidienne",
    ],
    "es": [
        "Lee también: el precio de la vivienda sigue subiendo",
        "Suscríbete a nuestro boletín diario",
    ],
}
