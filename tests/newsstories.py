"""Articles for the test news site: on the seeds' story, off it, and a syndicated copy.

Written for these tests (no real outlet's text): the on-topic ones follow the seeds'
story (the cancelled Trump-Putin summit, ceasefire talks, Ukraine) without copying it.
"""

from __future__ import annotations

from tests.newssite import Story

SUMMIT_OFF = Story(
    slug="budapest-summit-shelved",
    title="White House shelves Budapest summit between Trump and Putin",
    author="Maria Keller",
    published="2025-10-22T09:15:00+00:00",
    paragraphs=(
        "President Donald Trump has shelved plans for a summit with Vladimir Putin in "
        "Budapest, officials in Washington said on Wednesday, after Moscow refused to "
        "soften its demands on Ukraine.",
        "The meeting had been floated after a long phone call between the two leaders "
        "last week. Secretary of State Marco Rubio spoke with Russian Foreign Minister "
        "Sergei Lavrov on Monday and concluded that the Kremlin was not ready for a "
        "ceasefire along the current front line.",
        "Ukrainian President Volodymyr Zelensky welcomed the decision, saying that any "
        "peace talks must begin with a halt to the fighting. European leaders said "
        "pressure on Russia would continue until Moscow agreed to negotiate seriously.",
        "The Kremlin said preparations for a summit had never been completed and that "
        "Russia remained open to dialogue with Washington.",
    ),
)

KREMLIN_REACTS = Story(
    slug="kremlin-reacts",
    title="Kremlin says summit with Trump still possible despite cancellation",
    author="Oleg Petrenko",
    published="2025-10-23T07:40:00+00:00",
    paragraphs=(
        "Kremlin spokesman Dmitry Peskov said on Thursday that a meeting between Vladimir "
        "Putin and Donald Trump remained possible, a day after Washington called off the "
        "planned summit in Budapest.",
        "Peskov told reporters in Moscow that Russia wanted a lasting settlement of the "
        "conflict in Ukraine rather than a quick ceasefire, repeating the Kremlin's "
        "position that talks must address what it calls the root causes of the war.",
        "Analysts in Kyiv said the Russian leadership was trying to avoid blame for the "
        "collapse of the diplomatic effort while its forces pressed their offensive in "
        "the Donbas.",
    ),
)

SANCTIONS = Story(
    slug="sanctions-after-summit",
    title="Trump weighs new sanctions on Russia after summit collapse",
    author="Daniel Ortiz",
    published="2025-10-23T15:05:00+00:00",
    paragraphs=(
        "Donald Trump is considering new sanctions on Russian oil companies after his "
        "planned meeting with Vladimir Putin fell apart, two officials familiar with the "
        "discussions said.",
        "The measures would target the revenues that fund Russia's war in Ukraine. Trump "
        "said he had been disappointed by his last phone call with Putin and that the "
        "Kremlin leader was not serious about peace.",
        "Zelensky, who met Trump at the White House last week, has urged Washington to "
        "increase pressure on Moscow until it accepts a ceasefire.",
    ),
)

ZELENSKY_EUROPE = Story(
    slug="zelensky-europe-talks",
    title="Zelensky rallies European leaders for ceasefire push",
    author="Anna Novak",
    published="2025-10-24T11:30:00+00:00",
    paragraphs=(
        "Ukrainian President Volodymyr Zelensky met European leaders in Brussels on "
        "Friday to press for a ceasefire plan after the cancellation of the Trump-Putin "
        "summit in Budapest.",
        "Zelensky said Russia had used the prospect of talks with Washington to buy time "
        "for its offensive, and asked for air defence systems to protect Ukrainian cities "
        "from drone and missile strikes.",
        "The leaders agreed that negotiations with the Kremlin could only start once "
        "Moscow stopped its attacks, and said they would coordinate closely with the "
        "Trump administration.",
    ),
)

FLAKY_STORY = Story(
    slug="lavrov-rubio-call",
    title="Lavrov and Rubio call ends without agreement on summit",
    author="Thomas Reid",
    published="2025-10-21T18:20:00+00:00",
    paragraphs=(
        "A telephone call between Russian Foreign Minister Sergei Lavrov and U.S. "
        "Secretary of State Marco Rubio ended without agreement on a date for a summit "
        "between Donald Trump and Vladimir Putin.",
        "Lavrov repeated Moscow's demands that Ukraine withdraw from parts of the Donbas "
        "before any ceasefire, a condition Kyiv has rejected. Rubio said the United "
        "States wanted an end to the killing and a lasting peace.",
        "Officials in Moscow and Washington said the two ministers agreed to stay in "
        "contact, but the Kremlin signalled no change in its position on the war.",
    ),
)

OFF_TOPIC = Story(
    slug="harbour-festival",
    title="Harbour festival draws record crowds",
    author="Lucy Byrne",
    published="2025-10-22T10:00:00+00:00",
    section="local",
    paragraphs=(
        "The annual harbour festival drew a record crowd of more than forty thousand "
        "visitors at the weekend, organisers said, as sunshine brought families to the "
        "waterfront for boat races and food stalls.",
        "The rowing regatta was won by the home club for the third year running, and a "
        "new sailing race for children proved popular. Local bakeries sold out of "
        "cinnamon buns by lunchtime on Saturday.",
        "Organisers thanked volunteers and said next year's festival would add an "
        "evening concert on the pier.",
    ),
)

PRIVATE = Story(
    slug="embargoed",
    title="Embargoed: Putin and Trump summit draft communique",
    author="Desk",
    published="2025-10-22T06:00:00+00:00",
    section="private",
    paragraphs=SUMMIT_OFF.paragraphs,
)

# Wire copy of SUMMIT_OFF as another outlet runs it: new dateline, one paragraph cut,
# one added, a credit line at the end.
SYNDICATED = Story(
    slug="wire-budapest-summit",
    title="US calls off Budapest summit with Putin",
    author="Wire Staff",
    published="2025-10-22T10:05:00+00:00",
    section="wire",
    paragraphs=(
        "WASHINGTON (Wire) - " + SUMMIT_OFF.paragraphs[0],
        SUMMIT_OFF.paragraphs[1],
        SUMMIT_OFF.paragraphs[2],
        "Markets in Europe edged higher after the announcement, traders said, as "
        "investors bet on continued pressure on Russian energy exports.",
        "Reporting by the Wire desk; editing by the night editor.",
    ),
)

ON_TOPIC = (SUMMIT_OFF, KREMLIN_REACTS, SANCTIONS, ZELENSKY_EUROPE)
