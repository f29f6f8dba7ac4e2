"""Words and number formats for maps, charts and reports, in English and Dutch."""

from __future__ import annotations

import textwrap

T: dict[str, dict[str, str]] = {
    "en": {
        "lang": "en",
        "start": "start",
        "end": "end",
        "wait": "waits",
        "cases": "cases",
        "findings": "Findings",
        "departments": "Departments",
        "map_frequency": "Frequency map",
        "map_performance": "Performance map: median waiting time before each step",
        "map_findings": "Findings map",
        "hidden_activities": "{n} rare activities hidden ({events:,} events)",
        "hidden_paths": "{n} rare paths hidden",
        "legend_frequency": "Boxes: activities with how often they happen. Arrows: direct successions, "
                            "width by frequency, with the number of times. Dashed: case start and end.",
        "legend_performance": "Boxes: median waiting time before the step (darker = longer). "
                              "Arrows: median time between the two steps.",
        "legend_findings": "Numbered badges mark where each finding is; coloured borders and arrows (with the "
                           "finding's number) are the activities and paths it concerns. Box colour = department.",
        "waste_transport": "transport", "waste_inventory": "inventory", "waste_motion": "motion",
        "waste_waiting": "waiting", "waste_overproduction": "overproduction",
        "waste_overprocessing": "overprocessing", "waste_defects": "defects", "waste_skills": "unused skills",
    },
    "nl": {
        "lang": "nl",
        "start": "start",
        "end": "einde",
        "wait": "wacht",
        "cases": "zaken",
        "findings": "Bevindingen",
        "departments": "Afdelingen",
        "map_frequency": "Frequentiekaart",
        "map_performance": "Doorlooptijdkaart: mediane wachttijd vóór elke stap",
        "map_findings": "Bevindingenkaart",
        "hidden_activities": "{n} zeldzame activiteiten verborgen ({events:,} gebeurtenissen)",
        "hidden_paths": "{n} zeldzame paden verborgen",
        "legend_frequency": "Blokken: activiteiten met hoe vaak ze voorkomen. Pijlen: directe opvolging, "
                            "dikte naar frequentie, met het aantal keer. Gestippeld: begin en einde van de zaak.",
        "legend_performance": "Blokken: mediane wachttijd vóór de stap (donkerder = langer). "
                              "Pijlen: mediane tijd tussen de twee stappen.",
        "legend_findings": "Genummerde labels tonen waar elke bevinding zit; gekleurde randen en pijlen (met het "
                           "nummer van de bevinding) zijn de activiteiten en paden waar het om gaat. "
                           "Kleur blok = afdeling.",
        "waste_transport": "transport", "waste_inventory": "voorraad", "waste_motion": "beweging",
        "waste_waiting": "wachten", "waste_overproduction": "overproductie",
        "waste_overprocessing": "overbewerking", "waste_defects": "fouten", "waste_skills": "onbenut talent",
    },
}


def fmt_count(n: float, lang: str = "en") -> str:
    text = f"{int(round(n)):,}"
    return text.replace(",", ".") if lang == "nl" else text


def fmt_number(x: float, decimals: int = 1, lang: str = "en") -> str:
    text = f"{x:,.{decimals}f}"
    if lang == "nl":
        text = text.replace(",", "\0").replace(".", ",").replace("\0", ".")
    return text


WORDS = {"en": ("hours", "days", "weeks"), "nl": ("uur", "dagen", "weken")}


def fmt_duration(seconds: float | None, lang: str = "en", words: bool = False) -> str:
    """Seconds in the unit people use: '45 s', '12 min', '3.5 h', '2.3 d', '5.1 wk' (nl: 'u' for hours).

    `words=True` writes the unit out, for sentences: '3.5 hours', '12 days' ('uur', 'dagen')."""
    if seconds is None:
        return "–"
    s = float(seconds)
    hours, days, weeks = WORDS[lang] if words else (("u" if lang == "nl" else "h"), "d", "wk")
    if abs(s) < 90:
        return f"{s:.0f} s"
    if abs(s) < 5400:
        return f"{s / 60:.0f} min"
    if abs(s) < 2 * 86400:
        return f"{fmt_number(s / 3600, 1, lang)} {hours}"
    if abs(s) < 14 * 86400 or words and abs(s) < 70 * 86400:
        return f"{fmt_number(s / 86400, 1 if abs(s) < 10 * 86400 else 0, lang)} {days}"
    return f"{fmt_number(s / 604800, 1, lang)} {weeks}"


def wrap(text: str, width: int = 24) -> str:
    return "\n".join(textwrap.wrap(str(text), width=width, break_long_words=True)) or str(text)
