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


def wrap(text: str, width: int = 24, break_long_words: bool = True) -> str:
    return "\n".join(textwrap.wrap(str(text), width=width, break_long_words=break_long_words)) or str(text)


# -- charts and reports ------------------------------------------------------------------------------
# Kept apart from the map words above; merged into T below. Every key exists in both languages.
_REPORT_WORDS: dict[str, dict[str, str]] = {
    "en": {
        "months": "Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec",
        "weekdays": "Monday Tuesday Wednesday Thursday Friday Saturday Sunday",
        "unit_hours": "hours", "unit_days": "days", "unit_weeks": "weeks",
        # charts
        "chart_throughput": "Throughput time per case",
        "chart_throughput_x": "{unit} from the first to the last event of a case",
        "chart_cases": "cases",
        "chart_term": "statutory term {term}",
        "chart_within_term": "{share} of decided cases within the term",
        "chart_median": "median {value}",
        "chart_p90": "90% within {value}",
        "chart_variants": "Variants: how many cases follow each route",
        "chart_variants_x": "variant (most frequent first)",
        "chart_variants_y2": "cumulative share of cases",
        "chart_variants_other": "other\n{n} var.",
        "chart_variants_reach": "{k} variants cover 80% of cases",
        "chart_variants_noreach": "the {k} most frequent of {n} variants cover {share} of cases",
        "chart_handoffs": "Hand-offs between departments",
        "chart_handoffs_from": "from department",
        "chart_handoffs_to": "to department",
        "chart_handoffs_people": "Hand-offs between people",
        "chart_handoffs_from_people": "from person",
        "chart_handoffs_to_people": "to person",
        "chart_handoffs_note": "times work passed from the row's department to the column's; "
                               "grey: stays within the department",
        "chart_wip": "Open cases over time",
        "chart_wip_y": "open cases",
        "chart_wip_note": "on average {mean} cases open; at most {max} on {date}",
        "chart_flow_y": "cases per week",
        "chart_arrivals": "started",
        "chart_completions": "completed",
        # report: header and summary
        "report_title": "Process analysis",
        "report_intro": "What the event log shows about the process, where it loses time and what could be "
                        "simplified. Made with procesflow {version} from {source}.",
        "period": "Period", "filters": "Filters", "no_filters": "none (all cases of the log)",
        "events": "events", "generated": "generated", "generated_label": "Generated",
        "summary": "Summary",
        "card_cases": "cases", "card_cases_note": "{events} events · {activities} activities",
        "card_throughput": "median throughput time", "card_throughput_note": "90% of cases within {p90}",
        "card_term": "decided within the term",
        "card_term_note": "term {term} · {late} of {decided} decided cases late",
        "card_term_open": "{overdue} open cases already past the term",
        "card_term_no_end": "no decision step given, so measured to each case's last event",
        "card_ftr": "first time right", "card_ftr_note": "{n} cases without a repeated step",
        "card_handoffs": "hand-offs per case (median)",
        "card_handoffs_note": "between {units} departments (median); {share} of cases have one",
        "card_contacts": "contacts per case (mean)",
        "card_contacts_note": "{share} of cases contact the organisation while they wait",
        "card_variants": "variants (distinct routes)",
        "card_variants_note": "the 10 most frequent cover {share} of cases",
        # report: findings
        "findings_title": "Findings and proposals",
        "findings_intro": "Ranked by expected gain a year (largest first). The numbers match the badges on the "
                          "findings map.",
        "findings_none": "None of the rules found a problem in this log.",
        "findings_more": "Other findings",
        "findings_skipped": "Rules that could not run on this log",
        "findings_suggestions": "Suggestions",
        "severity": "severity", "severity_high": "high", "severity_medium": "medium", "severity_low": "low",
        "waste": "waste",
        "proposal": "Proposal",
        "gain": "Expected gain",
        "gain_days": "about {value} case-days a year",
        "gain_hours": "about {value} staff hours a year",
        "gain_handoffs": "about {value} fewer hand-offs a year",
        "gain_contacts": "about {value} fewer contacts a year",
        "gain_formula": "how: {formula}",
        "gain_short_days": "{value} case-days", "gain_short_hours": "{value} staff hours",
        "gain_short_handoffs": "{value} hand-offs", "gain_short_contacts": "{value} contacts",
        "clock_first_event": "the first event of the case", "clock_last_event": "the last event of the case",
        "affected": "Affected",
        "affected_value": "{cases} cases ({share})",
        "evidence": "Evidence",
        "best_practice": "Redesign practice",
        "col_number": "#", "col_finding": "finding", "col_cases": "cases", "col_gain": "gain a year",
        # report: maps and charts
        "maps_title": "Process maps",
        "maps_intro": "Click a map to see it at full size. The maps are also in the output folder "
                      "(map.svg, map.pdf, map-findings.svg, map-performance.svg).",
        "map_close": "close ✕", "map_zoom": "show at full size",
        "charts_title": "Time, routes and hand-offs",
        "caption_throughput": "How long cases take from the first to the last event. {term_text}",
        "caption_throughput_term": "The red line is the statutory term; the share within the term is measured "
                                   "from {start} to {end}, net of suspensions.",
        "caption_variants": "Each bar is one route through the process; the line adds them up. A few routes "
                            "covering most cases means a standard process; a long tail means a lot of "
                            "exceptions.",
        "caption_handoffs": "Who passes work to whom. Each hand-off is a queue and a moment where information "
                            "can get lost.",
        "caption_wip": "Cases open on each day (started, not yet finished), and how many start and finish each "
                       "week. The first and last weeks are lower because the extract cuts cases off.",
        # report: complexity
        "complexity_title": "Complexity scorecard",
        "complexity_intro": "How complicated the process is, measured on the process map, on the discovered "
                            "BPMN model and on the log itself. The flags compare the numbers with the Seven Process "
                            "Modeling Guidelines (7PMG): ⚠ above the guideline, ✓ within it.",
        "complexity_dfg": "Process map (directly-follows graph)",
        "complexity_bpmn": "BPMN model ({algorithm})",
        "complexity_log": "Routes in the log",
        "complexity_dfg_note": "The graph measures count an artificial start ▶ and end ■ node and their arcs.",
        "col_measure": "measure", "col_value": "value", "col_guideline": "7PMG", "col_definition": "definition",
        "guideline_ok": "meets", "guideline_flag": "exceeds",
        "guideline_tip": "threshold {threshold}",
        "complexity_none": "not available",
        "gateways_detail": "{exclusive} exclusive, {parallel} parallel, {inclusive} inclusive",
        "trace_length_detail": "median {median}, mean {mean}, max {max}",
        # report: conformance
        "conformance_title": "How well the model fits the log",
        "conformance_intro": "The BPMN model above was discovered with the {algorithm}. Fitness: how much of "
                             "the log the model can replay (1 = all). Precision: how little extra behaviour the "
                             "model allows (1 = nothing extra).",
        "fitness_tbr": "fitness (token replay)", "fitting_cases": "cases that fit the model completely",
        "precision": "precision", "alignments": "fitness (alignments)",
        "alignments_not": "not computed: {reason}",
        # report: data quality
        "quality_title": "Data quality and what the analysis leaves out",
        "quality_check": "check", "quality_value": "value",
        "q_rejected": "rows rejected at import", "q_reject_reason": "rejected: {reason}",
        "q_duplicates": "duplicate events", "q_ties": "events sharing a timestamp within a case",
        "q_ties_value": "{events} in {cases} cases",
        "q_date_only": "events with a date but no time", "q_dst": "clock-change times (nonexistent / ambiguous)",
        "q_future": "events in the future", "q_before_1990": "events before 1990",
        "q_single": "cases with one event", "q_no_department": "events without a department",
        "q_start_times": "events with a start time",
        "hidden_title": "What filters and the map hide",
        "hidden_filters_kept": "The filters keep {cases} of {total} cases and {events} of {events_total} events.",
        "hidden_filter_activities": "Activities hidden by the filter: {list}.",
        "hidden_map": "The map shows {shown} of {total} activities and leaves out {paths} rare paths; "
                      "the numbers in this report are computed on all of them.",
        "hidden_map_all": "The map shows all {total} activities; the numbers in this report are computed on "
                          "every event.",
        "deadline_note": "Statutory term: {note}",
        "privacy_note": "No names of people appear in this report: work is shown per department.",
        # report: appendix
        "appendix_title": "Appendix: definitions and sources",
        "appendix_measures": "Measures",
        "appendix_complexity": "Sources of the complexity measures",
        "appendix_rules": "Rules behind the findings",
        "appendix_options": "Settings used",
        "def_throughput": "Throughput time", "def_waiting": "Waiting time", "def_wip": "Open cases",
        "def_ftr": "First time right", "def_deadline": "Statutory term", "def_contacts": "Citizen contacts",
        "col_source": "source",
        "col_route": "route", "col_cumulative": "cumulative", "col_median": "median throughput time",
        "definitions_english": "",
        "yes": "yes", "no": "no",
    },
    "nl": {
        "months": "jan feb mrt apr mei jun jul aug sep okt nov dec",
        "weekdays": "maandag dinsdag woensdag donderdag vrijdag zaterdag zondag",
        "unit_hours": "uren", "unit_days": "dagen", "unit_weeks": "weken",
        "chart_throughput": "Doorlooptijd per zaak",
        "chart_throughput_x": "{unit} van de eerste tot de laatste gebeurtenis van een zaak",
        "chart_cases": "zaken",
        "chart_term": "wettelijke termijn {term}",
        "chart_within_term": "{share} van de afgehandelde zaken binnen de termijn",
        "chart_median": "mediaan {value}",
        "chart_p90": "90% binnen {value}",
        "chart_variants": "Varianten: hoeveel zaken elke route volgen",
        "chart_variants_x": "variant (meest voorkomende eerst)",
        "chart_variants_y2": "cumulatief aandeel zaken",
        "chart_variants_other": "overige\n{n} var.",
        "chart_variants_reach": "{k} varianten dekken 80% van de zaken",
        "chart_variants_noreach": "de {k} meest voorkomende van {n} varianten dekken {share} van de zaken",
        "chart_handoffs": "Overdrachten tussen afdelingen",
        "chart_handoffs_from": "van afdeling",
        "chart_handoffs_to": "naar afdeling",
        "chart_handoffs_people": "Overdrachten tussen medewerkers",
        "chart_handoffs_from_people": "van medewerker",
        "chart_handoffs_to_people": "naar medewerker",
        "chart_handoffs_note": "hoe vaak werk overging van de afdeling in de rij naar die in de kolom; "
                               "grijs: blijft binnen de afdeling",
        "chart_wip": "Lopende zaken in de tijd",
        "chart_wip_y": "lopende zaken",
        "chart_wip_note": "gemiddeld {mean} zaken open; het meest {max} op {date}",
        "chart_flow_y": "zaken per week",
        "chart_arrivals": "gestart",
        "chart_completions": "afgerond",
        "report_title": "Procesanalyse",
        "report_intro": "Wat het logbestand laat zien over het proces, waar het tijd verliest en wat eenvoudiger "
                        "kan. Gemaakt met procesflow {version} uit {source}.",
        "period": "Periode", "filters": "Filters", "no_filters": "geen (alle zaken uit het logbestand)",
        "events": "gebeurtenissen", "generated": "gemaakt", "generated_label": "Gemaakt",
        "summary": "Samenvatting",
        "card_cases": "zaken", "card_cases_note": "{events} gebeurtenissen · {activities} activiteiten",
        "card_throughput": "mediane doorlooptijd", "card_throughput_note": "90% van de zaken binnen {p90}",
        "card_term": "binnen de termijn besloten",
        "card_term_note": "termijn {term} · {late} van {decided} afgehandelde zaken te laat",
        "card_term_open": "{overdue} lopende zaken zijn de termijn al voorbij",
        "card_term_no_end": "geen besluitstap opgegeven, dus gemeten tot de laatste gebeurtenis van elke zaak",
        "card_ftr": "in één keer goed", "card_ftr_note": "{n} zaken zonder herhaalde stap",
        "card_handoffs": "overdrachten per zaak (mediaan)",
        "card_handoffs_note": "tussen {units} afdelingen (mediaan); {share} van de zaken heeft er een",
        "card_contacts": "contacten per zaak (gemiddeld)",
        "card_contacts_note": "{share} van de zaken neemt contact op tijdens het wachten",
        "card_variants": "varianten (verschillende routes)",
        "card_variants_note": "de 10 meest voorkomende dekken {share} van de zaken",
        "findings_title": "Bevindingen en voorstellen",
        "findings_intro": "Gerangschikt naar verwachte winst per jaar (grootste eerst). De nummers komen overeen "
                          "met de labels op de bevindingenkaart.",
        "findings_none": "Geen van de regels vond een probleem in dit logbestand.",
        "findings_more": "Overige bevindingen",
        "findings_skipped": "Regels die op dit logbestand niet konden draaien",
        "findings_suggestions": "Suggesties",
        "severity": "ernst", "severity_high": "hoog", "severity_medium": "middel", "severity_low": "laag",
        "waste": "verspilling",
        "proposal": "Voorstel",
        "gain": "Verwachte winst",
        "gain_days": "ongeveer {value} zaakdagen per jaar",
        "gain_hours": "ongeveer {value} uur werk per jaar",
        "gain_handoffs": "ongeveer {value} overdrachten per jaar minder",
        "gain_contacts": "ongeveer {value} contacten per jaar minder",
        "gain_formula": "berekening: {formula}",
        "gain_short_days": "{value} zaakdagen", "gain_short_hours": "{value} uur werk",
        "gain_short_handoffs": "{value} overdrachten", "gain_short_contacts": "{value} contacten",
        "clock_first_event": "de eerste gebeurtenis van de zaak",
        "clock_last_event": "de laatste gebeurtenis van de zaak",
        "affected": "Betreft",
        "affected_value": "{cases} zaken ({share})",
        "evidence": "Onderbouwing",
        "best_practice": "Herontwerppraktijk",
        "col_number": "nr.", "col_finding": "bevinding", "col_cases": "zaken", "col_gain": "winst per jaar",
        "maps_title": "Proceskaarten",
        "maps_intro": "Klik op een kaart om hem op ware grootte te zien. De kaarten staan ook in de uitvoermap "
                      "(map.svg, map.pdf, map-findings.svg, map-performance.svg).",
        "map_close": "sluiten ✕", "map_zoom": "op ware grootte tonen",
        "charts_title": "Tijd, routes en overdrachten",
        "caption_throughput": "Hoe lang zaken duren van de eerste tot de laatste gebeurtenis. {term_text}",
        "caption_throughput_term": "De rode lijn is de wettelijke termijn; het aandeel binnen de termijn is "
                                   "gemeten van {start} tot {end}, zonder opschortingen.",
        "caption_variants": "Elke staaf is één route door het proces; de lijn telt ze op. Weinig routes voor de "
                            "meeste zaken betekent een standaardproces; een lange staart betekent veel "
                            "uitzonderingen.",
        "caption_handoffs": "Wie werk aan wie doorgeeft. Elke overdracht is een wachtrij en een moment waarop "
                            "informatie verloren kan gaan.",
        "caption_wip": "Zaken die op elke dag openstaan (gestart, nog niet klaar), en hoeveel er per week starten "
                       "en klaar zijn. De eerste en laatste weken zijn lager omdat de extractie zaken afkapt.",
        "complexity_title": "Complexiteitsscorekaart",
        "complexity_intro": "Hoe ingewikkeld het proces is, gemeten op de proceskaart, op het ontdekte BPMN-model "
                            "en op het logbestand zelf. De vlaggen vergelijken de getallen met de Seven Process "
                            "Modeling Guidelines (7PMG): ⚠ boven de richtlijn, ✓ erbinnen.",
        "complexity_dfg": "Proceskaart (directly-follows-graaf)",
        "complexity_bpmn": "BPMN-model ({algorithm})",
        "complexity_log": "Routes in het logbestand",
        "complexity_dfg_note": "De grafmaten tellen een kunstmatige start ▶ en eind ■ knoop mee, met hun pijlen.",
        "col_measure": "maat", "col_value": "waarde", "col_guideline": "7PMG", "col_definition": "definitie",
        "guideline_ok": "voldoet", "guideline_flag": "te hoog",
        "guideline_tip": "drempel {threshold}",
        "complexity_none": "niet beschikbaar",
        "gateways_detail": "{exclusive} exclusief, {parallel} parallel, {inclusive} inclusief",
        "trace_length_detail": "mediaan {median}, gemiddeld {mean}, max {max}",
        "conformance_title": "Hoe goed het model bij het logbestand past",
        "conformance_intro": "Het BPMN-model hierboven is ontdekt met de {algorithm}. Fitness: hoeveel van het "
                             "logbestand het model kan naspelen (1 = alles). Precisie: hoe weinig extra gedrag het "
                             "model toestaat (1 = niets extra).",
        "fitness_tbr": "fitness (token replay)", "fitting_cases": "zaken die helemaal in het model passen",
        "precision": "precisie", "alignments": "fitness (alignments)",
        "alignments_not": "niet berekend: {reason}",
        "quality_title": "Datakwaliteit en wat de analyse weglaat",
        "quality_check": "controle", "quality_value": "waarde",
        "q_rejected": "rijen geweigerd bij het inlezen", "q_reject_reason": "geweigerd: {reason}",
        "q_duplicates": "dubbele gebeurtenissen", "q_ties": "gebeurtenissen met hetzelfde tijdstip binnen een zaak",
        "q_ties_value": "{events} in {cases} zaken",
        "q_date_only": "gebeurtenissen met een datum maar zonder tijd",
        "q_dst": "tijden rond de klokwissel (bestaan niet / dubbelzinnig)",
        "q_future": "gebeurtenissen in de toekomst", "q_before_1990": "gebeurtenissen vóór 1990",
        "q_single": "zaken met één gebeurtenis", "q_no_department": "gebeurtenissen zonder afdeling",
        "q_start_times": "gebeurtenissen met een starttijd",
        "hidden_title": "Wat filters en de kaart weglaten",
        "hidden_filters_kept": "De filters houden {cases} van de {total} zaken en {events} van de {events_total} "
                               "gebeurtenissen over.",
        "hidden_filter_activities": "Activiteiten die het filter verbergt: {list}.",
        "hidden_map": "De kaart toont {shown} van de {total} activiteiten en laat {paths} zeldzame paden weg; de "
                      "getallen in dit rapport zijn over alles berekend.",
        "hidden_map_all": "De kaart toont alle {total} activiteiten; de getallen in dit rapport zijn over elke "
                          "gebeurtenis berekend.",
        "deadline_note": "Wettelijke termijn: {note}",
        "privacy_note": "Er staan geen namen van personen in dit rapport: werk wordt per afdeling getoond.",
        "appendix_title": "Bijlage: definities en bronnen",
        "appendix_measures": "Maten",
        "appendix_complexity": "Bronnen van de complexiteitsmaten",
        "appendix_rules": "Regels achter de bevindingen",
        "appendix_options": "Gebruikte instellingen",
        "def_throughput": "Doorlooptijd", "def_waiting": "Wachttijd", "def_wip": "Lopende zaken",
        "def_ftr": "In één keer goed", "def_deadline": "Wettelijke termijn", "def_contacts": "Contacten met burgers",
        "col_source": "bron",
        "col_route": "route", "col_cumulative": "cumulatief", "col_median": "mediane doorlooptijd",
        "definitions_english": "De definities en bronnen staan in het Engels, precies zoals in metrics.json en "
                               "de regelbestanden.",
        "yes": "ja", "no": "nee",
    },
}

# Evidence columns of the built-in rules, for people; other columns are shown with their own name.
EVIDENCE_LABELS: dict[str, dict[str, str]] = {
    "en": {
        "activity": "activity", "at_risk": "open cases close to the term", "backward": "times in the other order",
        "batched_share": "share done in batches", "batches": "batches", "bounce_days_per_year": "bounce days a year",
        "bounces": "bounces", "case_share": "share of cases", "cases_checked": "cases that pass the check",
        "cases_with_activity": "cases with the step", "channels": "channels", "concentration": "concentration",
        "contacts": "contacts", "contacts_per_year": "contacts a year", "cooccurrence": "cases with both steps",
        "cv_processing": "variation in processing time (CV)", "decided": "decided cases", "department": "department",
        "department_names": "departments", "department_x": "department", "department_y": "other department",
        "double_share": "share done twice", "events": "events", "executions": "executions",
        "executions_per_year": "executions a year", "extra_executions": "extra executions", "first": "first step",
        "forward": "times in this order", "forward_share": "share in this order",
        "handoff_share": "share handed to another department", "handoffs": "hand-offs",
        "inserted_share": "share inserted while waiting", "knockout_share": "knock-out share", "late": "late",
        "late_share": "share late", "loop_days_per_year": "loop days a year", "loop_path": "loop",
        "main_weekday": "main day", "main_weekday_share": "share on the main day",
        "main_hour": "main hour of the day", "main_hour_share": "share in the main hour",
        "max_days_late": "longest delay", "max_handoffs": "most hand-offs in a case",
        "mean_batch_size": "cases per batch", "mean_gap_days": "time between batches",
        "median_days": "median time", "median_days_before": "median time before the check",
        "median_days_late": "median delay", "median_departments": "departments per case (median)",
        "median_handoffs": "hand-offs per case (median)", "median_minutes": "median processing time",
        "median_steps_before": "steps before the check (median)", "median_wait_days": "median wait",
        "median_wait_per_handoff_days": "median wait per hand-off", "outcome": "outcome",
        "overdue": "open cases past the term", "predecessor": "step before", "rare_case_share": "cases on rare routes",
        "rare_median_days": "throughput time on rare routes", "rare_variants": "rare routes",
        "repeated_activity": "repeated step", "repetitions": "repetitions", "resources": "people doing it",
        "rework_share": "share redone", "saving_days_per_case": "saving per case", "second": "second step",
        "slow_share": "share in slow cases", "standard_median_days": "throughput time on standard routes",
        "successor": "step after", "successor_share": "share followed by the step after", "term_days": "term",
        "top10_coverage": "cases on the 10 most common routes", "variants": "routes (variants)",
        "variants_per_100_cases": "routes per 100 cases", "wait_share": "share of all throughput time",
        "waiting_days_per_year": "waiting days a year", "within_share": "share within the term",
        "median_wait_around_days": "median wait around the contacts", "reaction_share": "contacts the case reacted to",
        "typical_wait_days": "typical wait",
    },
    "nl": {
        "activity": "activiteit", "at_risk": "lopende zaken dicht bij de termijn",
        "backward": "keer in omgekeerde volgorde", "batched_share": "aandeel in batches", "batches": "batches",
        "bounce_days_per_year": "pingpongdagen per jaar", "bounces": "keer heen en terug",
        "case_share": "aandeel zaken", "cases_checked": "zaken die de toets passeren",
        "cases_with_activity": "zaken met de stap", "channels": "kanalen", "concentration": "concentratie",
        "contacts": "contacten", "contacts_per_year": "contacten per jaar", "cooccurrence": "zaken met beide stappen",
        "cv_processing": "spreiding in bewerkingstijd (CV)", "decided": "afgehandelde zaken",
        "department": "afdeling", "department_names": "afdelingen", "department_x": "afdeling",
        "department_y": "andere afdeling", "double_share": "aandeel dubbel gedaan", "events": "gebeurtenissen",
        "executions": "uitvoeringen", "executions_per_year": "uitvoeringen per jaar",
        "extra_executions": "extra uitvoeringen", "first": "eerste stap", "forward": "keer in deze volgorde",
        "forward_share": "aandeel in deze volgorde", "handoff_share": "aandeel overgedragen aan een andere afdeling",
        "handoffs": "overdrachten", "inserted_share": "aandeel tussendoor tijdens het wachten",
        "knockout_share": "aandeel afgewezen", "late": "te laat", "late_share": "aandeel te laat",
        "loop_days_per_year": "lusdagen per jaar", "loop_path": "lus", "main_weekday": "vaste dag",
        "main_weekday_share": "aandeel op de vaste dag", "main_hour": "vast uur van de dag",
        "main_hour_share": "aandeel in het vaste uur", "max_days_late": "grootste overschrijding",
        "max_handoffs": "meeste overdrachten in een zaak", "mean_batch_size": "zaken per batch",
        "mean_gap_days": "tijd tussen batches", "median_days": "mediane tijd",
        "median_days_before": "mediane tijd vóór de toets", "median_days_late": "mediane overschrijding",
        "median_departments": "afdelingen per zaak (mediaan)", "median_handoffs": "overdrachten per zaak (mediaan)",
        "median_minutes": "mediane bewerkingstijd", "median_steps_before": "stappen vóór de toets (mediaan)",
        "median_wait_days": "mediane wachttijd", "median_wait_per_handoff_days": "mediane wachttijd per overdracht",
        "outcome": "uitkomst", "overdue": "lopende zaken over de termijn", "predecessor": "stap ervoor",
        "rare_case_share": "zaken op zeldzame routes", "rare_median_days": "doorlooptijd op zeldzame routes",
        "rare_variants": "zeldzame routes", "repeated_activity": "herhaalde stap", "repetitions": "herhalingen",
        "resources": "mensen die het doen", "rework_share": "aandeel overgedaan",
        "saving_days_per_case": "besparing per zaak", "second": "tweede stap", "slow_share": "aandeel in trage zaken",
        "standard_median_days": "doorlooptijd op standaardroutes", "successor": "stap erna",
        "successor_share": "aandeel gevolgd door de stap erna", "term_days": "termijn",
        "top10_coverage": "zaken op de 10 meest voorkomende routes", "variants": "routes (varianten)",
        "variants_per_100_cases": "routes per 100 zaken", "wait_share": "aandeel van alle doorlooptijd",
        "waiting_days_per_year": "wachtdagen per jaar", "within_share": "aandeel binnen de termijn",
        "median_wait_around_days": "mediane wachttijd rond de contacten",
        "reaction_share": "contacten waarop de zaak reageerde", "typical_wait_days": "gewone wachttijd",
    },
}

# Complexity measures (metrics.json `complexity`), short names for the scorecard.
COMPLEXITY_LABELS: dict[str, dict[str, str]] = {
    "en": {
        "dfg.activities": "activities", "dfg.df_arcs": "paths between activities", "dfg.nodes": "nodes (|N|)",
        "dfg.arcs": "arcs (|A|)", "dfg.density": "density", "dfg.cnc": "arcs per node (CNC)",
        "dfg.cyclomatic_number": "cyclomatic number", "dfg.connectors": "decision and merge points",
        "dfg.max_connector_degree": "largest connector degree", "dfg.avg_connector_degree": "mean connector degree",
        "dfg.cfc": "control-flow complexity (CFC)", "dfg.cyclicity": "activities on a cycle",
        "dfg.sequentiality": "sequential arcs", "dfg.start_activities": "different first activities",
        "dfg.end_activities": "different last activities", "dfg.hidden_arcs": "rare paths hidden on the map",
        "bpmn.size": "elements (size)", "bpmn.tasks": "tasks", "bpmn.gateways": "gateways", "bpmn.events": "events",
        "bpmn.start_events": "start events", "bpmn.end_events": "end events", "bpmn.flows": "sequence flows",
        "bpmn.density": "density", "bpmn.cnc": "flows per element (CNC)",
        "bpmn.max_connector_degree": "largest gateway degree", "bpmn.avg_connector_degree": "mean gateway degree",
        "bpmn.connector_mismatch": "connector mismatch", "bpmn.connector_heterogeneity": "connector heterogeneity",
        "bpmn.cfc": "control-flow complexity (CFC)",
        "log.cases": "cases", "log.events": "events", "log.variants": "variants",
        "log.variants_per_100_cases": "variants per 100 cases", "log.variant_entropy": "variant entropy",
        "log.variant_entropy_normalised": "variant entropy, normalised", "log.trace_length": "events per case",
        "log.top10_variant_coverage": "cases on the 10 most frequent variants",
        "guidance": "7PMG checks",
        "7PMG-G1": "Use as few elements in the model as possible",
        "7PMG-G2": "Minimise the routing paths per element",
        "7PMG-G3": "Use one start and one end event",
        "7PMG-G4": "Model as structured as possible",
        "7PMG-G5": "Avoid OR routing elements",
        "7PMG-G6": "Use verb-object activity labels",
        "7PMG-G7": "Decompose a model with more than 50 elements",
    },
    "nl": {
        "dfg.activities": "activiteiten", "dfg.df_arcs": "paden tussen activiteiten", "dfg.nodes": "knopen (|N|)",
        "dfg.arcs": "pijlen (|A|)", "dfg.density": "dichtheid", "dfg.cnc": "pijlen per knoop (CNC)",
        "dfg.cyclomatic_number": "cyclomatisch getal", "dfg.connectors": "keuze- en samenkomstpunten",
        "dfg.max_connector_degree": "grootste graad van een connector",
        "dfg.avg_connector_degree": "gemiddelde graad van de connectoren",
        "dfg.cfc": "control-flow-complexiteit (CFC)", "dfg.cyclicity": "activiteiten in een lus",
        "dfg.sequentiality": "opeenvolgende pijlen", "dfg.start_activities": "verschillende eerste activiteiten",
        "dfg.end_activities": "verschillende laatste activiteiten",
        "dfg.hidden_arcs": "zeldzame paden verborgen op de kaart",
        "bpmn.size": "elementen (omvang)", "bpmn.tasks": "taken", "bpmn.gateways": "gateways",
        "bpmn.events": "gebeurtenissen", "bpmn.start_events": "startgebeurtenissen",
        "bpmn.end_events": "eindgebeurtenissen", "bpmn.flows": "volgordepijlen", "bpmn.density": "dichtheid",
        "bpmn.cnc": "pijlen per element (CNC)", "bpmn.max_connector_degree": "grootste graad van een gateway",
        "bpmn.avg_connector_degree": "gemiddelde graad van de gateways",
        "bpmn.connector_mismatch": "ongepaarde splitsingen (mismatch)",
        "bpmn.connector_heterogeneity": "mix van gatewaysoorten (heterogeniteit)",
        "bpmn.cfc": "control-flow-complexiteit (CFC)",
        "log.cases": "zaken", "log.events": "gebeurtenissen", "log.variants": "varianten",
        "log.variants_per_100_cases": "varianten per 100 zaken", "log.variant_entropy": "variantentropie",
        "log.variant_entropy_normalised": "variantentropie, genormaliseerd",
        "log.trace_length": "gebeurtenissen per zaak",
        "log.top10_variant_coverage": "zaken op de 10 meest voorkomende varianten",
        "guidance": "7PMG-toetsen",
        "7PMG-G1": "Gebruik zo min mogelijk elementen in het model",
        "7PMG-G2": "Beperk het aantal routeringspaden per element",
        "7PMG-G3": "Gebruik één start- en één eindgebeurtenis",
        "7PMG-G4": "Modelleer zo gestructureerd mogelijk",
        "7PMG-G5": "Vermijd OF-routeringselementen",
        "7PMG-G6": "Gebruik activiteitnamen met werkwoord en object",
        "7PMG-G7": "Splits een model met meer dan 50 elementen op",
    },
}

for _lang, _words in _REPORT_WORDS.items():
    T[_lang].update(_words)


def fmt_share(x: float | None, lang: str = "en", decimals: int | None = None) -> str:
    """A share 0..1 as a percentage: '88%', '4.5%' ('4,5%'); whole percents from 10% to 99.5% unless
    `decimals` is given; never rounds a part up to '100%' or down to '0%' ('>99.9%', '<0.1%')."""
    if x is None:
        return "–"
    pct = 100.0 * float(x)
    if decimals is None:
        if 0 < pct < 0.05:
            return f"<{fmt_number(0.1, 1, lang)}%"
        if 99.95 <= pct < 100:
            return f">{fmt_number(99.9, 1, lang)}%"
        decimals = 0 if pct in (0, 100) or 10 <= pct < 99.5 else 1
    return f"{fmt_number(pct, decimals, lang)}%"


def fmt_date(iso: str | None, lang: str = "en", tz: str | None = None) -> str:
    """An ISO date or timestamp as '2 Oct 2010' ('2 okt 2010'), in time zone `tz` when given."""
    if not iso:
        return "–"
    from datetime import date, datetime

    if len(iso) == 10:
        day = date.fromisoformat(iso)
    else:
        moment = datetime.fromisoformat(iso)
        if tz and moment.tzinfo is not None:
            from zoneinfo import ZoneInfo

            moment = moment.astimezone(ZoneInfo(tz))
        day = moment.date()
    return f"{day.day} {T[lang]['months'].split()[day.month - 1]} {day.year}"


def fmt_term(seconds: float | None, lang: str = "en", with_days: bool = True) -> str:
    """A statutory term as people name it: '8 weeks (56 days)', '6 weken (42 dagen)', else '30 days'."""
    if seconds is None:
        return "–"
    _, days_word, weeks_word = WORDS[lang]
    days = float(seconds) / 86400
    if days >= 7 and float(seconds) % 604800 == 0:
        weeks = f"{int(days // 7)} {weeks_word}"
        return f"{weeks} ({int(days)} {days_word})" if with_days else weeks
    return f"{fmt_number(days, 0 if days == int(days) else 1, lang)} {days_word}"


def weekday_name(english: str, lang: str = "en") -> str:
    """'Tuesday' in `lang` ('dinsdag'); other text unchanged."""
    names = T["en"]["weekdays"].split()
    return T[lang]["weekdays"].split()[names.index(english)] if english in names else english
