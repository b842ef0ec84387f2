package web

import "fmt"

// uiLanguages are the languages of the interface; the first is the default.
var uiLanguages = []string{"de", "en"}

// messages is the message catalogue of the web interface: every key with
// its German and English text. Texts with arguments are fmt formats.
// Counted messages come as key.one and key.other (see view.N).
var messages = map[string][2]string{
	// Site and navigation.
	"site.tagline":        {"Wissensbasis des Lernnetzwerks für offene Innovation", "Knowledge base of the learning network on open innovation"},
	"site.short":          {"Wissensbasis offene Innovation", "Open innovation knowledge base"},
	"site.description":    {"Webinar-Notizen, Praxisfälle und Empfehlungen des Lernnetzwerks für offene Innovation durchsuchen.", "Search the webinar notes, cases and recommendations of the learning network on open innovation."},
	"nav.skip":            {"Zum Inhalt springen", "Skip to content"},
	"nav.label":           {"Hauptnavigation", "Main navigation"},
	"nav.home":            {"Start", "Home"},
	"nav.search":          {"Suche", "Search"},
	"nav.topics":          {"Themen", "Topics"},
	"nav.recommendations": {"Empfehlungen", "Recommendations"},
	"lang.switch":         {"English", "Deutsch"},
	"lang.switch.hint":    {"Sprache wechseln", "Change language"},
	"breadcrumb.label":    {"Brotkrumennavigation", "Breadcrumb"},
	"footer.feed":         {"Atom-Feed der neuesten Dokumente", "Atom feed of the newest documents"},
	"footer.api":          {"API (OpenAPI)", "API (OpenAPI)"},

	// Document types and languages.
	"type.webinar":         {"Webinar-Notiz", "Webinar note"},
	"type.case":            {"Praxisfall", "Case"},
	"type.recommendation":  {"Empfehlung", "Recommendation"},
	"type.other":           {"Sonstiges", "Other"},
	"types.webinar":        {"Webinar-Notizen", "Webinar notes"},
	"types.case":           {"Praxisfälle", "Cases"},
	"types.recommendation": {"Empfehlungen", "Recommendations"},
	"types.other":          {"Sonstiges", "Other"},
	"language.de":          {"Deutsch", "German"},
	"language.en":          {"Englisch", "English"},
	"language.fr":          {"Französisch", "French"},
	"language.und":         {"Unbestimmt", "Undetermined"},

	// Dates.
	"date.format": {"%[1]d. %[2]s %[3]d", "%[1]d %[2]s %[3]d"},
	"month.1":     {"Januar", "January"},
	"month.2":     {"Februar", "February"},
	"month.3":     {"März", "March"},
	"month.4":     {"April", "April"},
	"month.5":     {"Mai", "May"},
	"month.6":     {"Juni", "June"},
	"month.7":     {"Juli", "July"},
	"month.8":     {"August", "August"},
	"month.9":     {"September", "September"},
	"month.10":    {"Oktober", "October"},
	"month.11":    {"November", "November"},
	"month.12":    {"Dezember", "December"},

	// Counts.
	"count.documents.one":   {"%d Dokument", "%d document"},
	"count.documents.other": {"%d Dokumente", "%d documents"},

	// Search box and suggestions.
	"search.label":            {"Suchbegriffe", "Search terms"},
	"search.placeholder":      {"Thema, Organisation, Person oder Stichwort", "Topic, organisation, person or keyword"},
	"search.submit":           {"Suchen", "Search"},
	"search.heading":          {"Suche", "Search"},
	"search.title":            {"„%s“ – Suche", "“%s” – Search"},
	"search.didyoumean":       {"Meinten Sie", "Did you mean"},
	"search.tips":             {"Suchtipps", "Search tips"},
	"notice.readas":           {"Als einfache Wörter gelesen: %s.", "Read as plain words: %s."},
	"notice.tips":             {"So funktioniert die Suche", "How search works"},
	"notice.missing_quote":    {"schließendes Anführungszeichen fehlt", "missing closing quote"},
	"notice.missing_paren":    {"schließende Klammer fehlt", "missing closing parenthesis"},
	"notice.unexpected_paren": {"schließende Klammer ohne öffnende", "closing parenthesis without an opening one"},
	"notice.empty_parens":     {"leere Klammern", "empty parentheses"},
	"notice.operator":         {"AND, OR oder NOT ohne Suchbegriff daneben", "AND, OR or NOT without a term next to it"},
	"notice.unknown_field":    {"unbekanntes Feld vor dem Doppelpunkt", "unknown field before the colon"},
	"notice.prefix":           {"ein * braucht mindestens zwei Buchstaben davor", "a * needs at least two letters before it"},
	"notice.limit":            {"die Anfrage ist zu lang oder zu tief verschachtelt", "the query is too long or nested too deeply"},
	"suggest.list":            {"Vorschläge", "Suggestions"},
	"suggest.topic":           {"Thema", "Topic"},
	"suggest.person":          {"Person", "Person"},
	"suggest.organization":    {"Organisation", "Organisation"},
	"suggest.title":           {"Dokument", "Document"},

	// Home.
	"home.heading":               {"Wissen aus dem Lernnetzwerk finden", "Find what the learning network knows"},
	"home.lead":                  {"Webinar-Notizen, Praxisfälle aus der Peer-Beratung und Handlungsempfehlungen – durchsuchbar nach Thema, Organisation, Person und Jahr.", "Webinar notes, cases from peer consulting and policy recommendations – searchable by topic, organisation, person and year."},
	"home.total.one":             {"%d Dokument", "%d document"},
	"home.total.other":           {"%d Dokumente", "%d documents"},
	"home.topics":                {"Häufige Themen", "Popular topics"},
	"home.topics.all":            {"Alle Themen", "All topics"},
	"home.latest.webinar":        {"Neueste Webinar-Notizen", "Latest webinar notes"},
	"home.latest.case":           {"Neueste Praxisfälle", "Latest cases"},
	"home.latest.recommendation": {"Neueste Empfehlungen", "Latest recommendations"},
	"home.latest.all":            {"Alle anzeigen", "Show all"},

	// Result lists.
	"results.count.zero":             {"Keine Dokumente", "No documents"},
	"results.count.one":              {"%d Dokument", "%d document"},
	"results.count.other":            {"%d Dokumente", "%d documents"},
	"results.for.zero":               {"Keine Treffer für „%[2]s“", "No results for “%[2]s”"},
	"results.for.one":                {"%d Treffer für „%s“", "%d result for “%s”"},
	"results.recs.zero":              {"Keine Empfehlungen", "No recommendations"},
	"results.recs.one":               {"%d Empfehlung", "%d recommendation"},
	"results.recs.other":             {"%d Empfehlungen", "%d recommendations"},
	"results.for.other":              {"%d Treffer für „%s“", "%d results for “%s”"},
	"results.pastend":                {"Diese Seite liegt hinter dem Ende der Trefferliste.", "This page lies beyond the end of the results."},
	"results.firstpage":              {"Zur ersten Seite", "Go to the first page"},
	"sort.label":                     {"Sortieren nach", "Sort by"},
	"sort.apply":                     {"Anwenden", "Apply"},
	"sort.relevance":                 {"Relevanz (beste Treffer zuerst)", "Relevance (best match first)"},
	"sort.-date":                     {"Datum, neueste zuerst", "Date, newest first"},
	"sort.date":                      {"Datum, älteste zuerst", "Date, oldest first"},
	"sort.title":                     {"Titel, A–Z", "Title, A–Z"},
	"size.label":                     {"Pro Seite", "Per page"},
	"facet.filter":                   {"%s durchsuchen", "Search %s"},
	"facet.filter.placeholder":       {"Namen eingeben …", "Type a name …"},
	"facet.filter.some":              {"%d passende Werte", "%d matching values"},
	"facet.filter.none":              {"Kein Wert passt", "No value matches"},
	"nav.skip.results":               {"Zu den Treffern springen", "Skip to the results"},
	"results.range":                  {"%d–%d von %d", "%d–%d of %d"},
	"pager.label":                    {"Seiten", "Pages"},
	"pager.prev":                     {"Zurück", "Previous"},
	"pager.next":                     {"Weiter", "Next"},
	"pager.page":                     {"Seite %d", "Page %d"},
	"export.heading":                 {"Ergebnisse weiterverwenden", "Reuse these results"},
	"export.csv":                     {"Alle Treffer als CSV", "All results as CSV"},
	"export.ndjson":                  {"Alle Treffer als NDJSON", "All results as NDJSON"},
	"export.feed":                    {"Diese Suche als Atom-Feed abonnieren", "Follow this search as an Atom feed"},
	"export.feed.title":              {"Fundus: %s", "Fundus: %s"},
	"feed.all":                       {"Fundus: alle Dokumente", "Fundus: all documents"},
	"feed.description":               {"Die neuesten Dokumente zu dieser Suche in Fundus", "The newest documents for this search in Fundus"},
	"noresults.query":                {"Keine Dokumente passen zu „%s“.", "No documents match “%s”."},
	"noresults.filters":              {"Keine Dokumente passen zu diesen Filtern.", "No documents match these filters."},
	"noresults.unfiltered.one":       {"„%[2]s“ ohne Filter suchen: %[1]d Treffer", "Search “%[2]s” without filters: %[1]d result"},
	"noresults.unfiltered.other":     {"„%[2]s“ ohne Filter suchen: %[1]d Treffer", "Search “%[2]s” without filters: %[1]d results"},
	"noresults.unfiltered.all.one":   {"Alle Filter entfernen: %d Dokument", "Remove all filters: %d document"},
	"noresults.unfiltered.all.other": {"Alle Filter entfernen: %d Dokumente", "Remove all filters: %d documents"},
	"noresults.tip.filters":          {"Entfernen Sie einzelne Filter oben, um die Suche zu erweitern.", "Remove some of the filters above to widen the search."},
	"noresults.tip.spelling":         {"Prüfen Sie die Schreibweise.", "Check the spelling."},
	"noresults.tip.words":            {"Versuchen Sie weniger oder allgemeinere Begriffe, auf Deutsch oder Englisch.", "Try fewer or more general words, in German or English."},
	"noresults.topics":               {"Häufige Themen", "Popular topics"},

	// Filters.
	"filters.heading":         {"Filter", "Filters"},
	"filters.apply":           {"Filter anwenden", "Apply filters"},
	"facet.type":              {"Dokumenttyp", "Document type"},
	"facet.topics":            {"Themen", "Topics"},
	"facet.year":              {"Jahr", "Year"},
	"facet.language":          {"Sprache", "Language"},
	"facet.organizations":     {"Organisationen", "Organisations"},
	"facet.people":            {"Personen", "People"},
	"facet.addressees":        {"Adressaten", "Addressees"},
	"facet.policy_area":       {"Politikfeld", "Policy area"},
	"facet.more.one":          {"%d weiterer Wert", "%d more value"},
	"facet.more.other":        {"%d weitere Werte", "%d more values"},
	"filter.period":           {"Zeitraum", "Period"},
	"filter.from":             {"Von", "From"},
	"filter.to":               {"Bis", "To"},
	"filter.date.placeholder": {"TT.MM.JJJJ", "DD.MM.YYYY"},
	"filter.date.hint":        {"Tag, Monat oder Jahr, z. B. 15.06.2021, 06.2021 oder 2021 (auch 2021-06-15).", "A day, month or year, e.g. 15.06.2021, 06.2021 or 2021 (also 2021-06-15)."},
	"filter.date.invalid":     {"„%s“ ist kein Datum. Möglich sind TT.MM.JJJJ, MM.JJJJ, JJJJ-MM-TT und JJJJ.", "“%s” is not a date. Use DD.MM.YYYY, MM.YYYY, YYYY-MM-DD or YYYY."},
	"filter.date.years":       {"Nur Jahre von %d bis %d.", "Only years from %d to %d."},
	"filter.date.order":       {"„Bis“ liegt vor „Von“.", "“To” lies before “From”."},
	"filter.date.notapplied":  {"Nicht angewendet, bitte korrigieren:", "Not applied, please correct:"},
	"chips.label":             {"Aktive Filter", "Active filters"},
	"chips.remove":            {"Filter entfernen", "remove filter"},
	"chips.clear":             {"Alle Filter entfernen", "Remove all filters"},
	"chart.label":             {"Dokumente pro Jahr; ein Balken wählt das Jahr als Filter", "Documents per year; a bar selects the year as a filter"},
	"chart.bar.one":           {"%[2]s: %[1]d Dokument", "%[2]s: %[1]d document"},
	"chart.bar.other":         {"%[2]s: %[1]d Dokumente", "%[2]s: %[1]d documents"},

	// Topics.
	"topics.heading":     {"Themen", "Topics"},
	"topics.intro.one":   {"%d Thema, alphabetisch. Jedes Thema führt zu seinen Dokumenten, die neuesten zuerst.", "%d topic, in alphabetical order. Each leads to its documents, newest first."},
	"topics.intro.other": {"%d Themen, alphabetisch. Jedes Thema führt zu seinen Dokumenten, die neuesten zuerst.", "%d topics, in alphabetical order. Each leads to its documents, newest first."},
	"topics.none":        {"Noch gibt es keine Themen.", "There are no topics yet."},
	"topic.eyebrow":      {"Thema", "Topic"},
	"topic.search":       {"In „%s“ suchen", "Search within “%s”"},

	// Charts (charts.go, charts.html).
	"chart.years.title":         {"Dokumente pro Jahr und Typ", "Documents per year and type"},
	"chart.years.summary":       {"%d datierte Dokumente von %s bis %s, die meisten im Jahr %s.", "%d dated documents from %s to %s, the most in %s."},
	"chart.undated.short.one":   {"%d Dokument hat kein Datum.", "%d document has no date."},
	"chart.undated.short.other": {"%d Dokumente haben kein Datum.", "%d documents have no date."},
	"chart.years.none.one":      {"Das eine Dokument hat kein Datum.", "The one document has no date."},
	"chart.years.none.other":    {"Keines der %d Dokumente hat ein Datum.", "None of the %d documents has a date."},
	"chart.undated.one":         {"%d Dokument ohne Datum fehlt im Diagramm; die Tabelle zählt es in der Zeile „ohne Datum“.", "%d document without a date is not in the chart; the table counts it in the row “no date”."},
	"chart.undated.other":       {"%d Dokumente ohne Datum fehlen im Diagramm; die Tabelle zählt sie in der Zeile „ohne Datum“.", "%d documents without a date are not in the chart; the table counts them in the row “no date”."},
	"chart.undated.row":         {"ohne Datum", "no date"},
	"chart.table":               {"Zahlen als Tabelle", "Numbers as a table"},
	"chart.year":                {"Jahr", "Year"},
	"chart.total":               {"Gesamt", "Total"},
	"chart.topic":               {"Thema", "Topic"},
	"chart.documents":           {"Dokumente", "Documents"},
	"chart.topics.title":        {"Die größten Themen", "The largest topics"},
	"chart.topics.summary":      {"Die %d größten Themen; das größte ist „%s“ mit %d Dokumenten.", "The %d largest topics; the largest is “%s” with %d documents."},
	"home.overview":             {"Die Wissensbasis im Überblick", "The knowledge base at a glance"},
	"topic.related":             {"Oft zusammen mit diesem Thema", "Often together with this topic"},
	"matrix.heading":            {"Empfehlungen nach Adressat und Politikfeld", "Recommendations by addressee and policy area"},
	"matrix.intro":              {"Jede Zahl zählt die Empfehlungen an einen Adressaten in einem Politikfeld und führt zu ihrer Liste. Dunklere Felder: mehr Empfehlungen.", "Each number counts the recommendations to one addressee in one policy area and leads to their list. Darker cells: more recommendations."},
	"matrix.corner":             {"Adressat / Politikfeld", "Addressee / policy area"},
	"matrix.note":               {"Eine Empfehlung kann mehrere Adressaten und Politikfelder haben; deshalb ist die Summe der Felder größer als die Zahl der Empfehlungen.", "A recommendation can have several addressees and policy areas, so the cells add up to more than the number of recommendations."},
	"matrix.cell":               {"%d Empfehlungen an %s im Politikfeld %s", "%d recommendations to %s in the policy area %s"},

	// Recommendations.
	"recs.heading": {"Empfehlungen", "Recommendations"},
	"recs.intro":   {"Alle Handlungsempfehlungen des Netzwerks an Politik und Verwaltung, filterbar nach Adressaten und Politikfeld.", "All of the network's recommendations to policy makers and administrations, filterable by addressee and policy area."},
	"recs.search":  {"In den Empfehlungen suchen", "Search the recommendations"},

	// Document.
	"doc.aside":           {"Angaben zum Dokument", "About this document"},
	"doc.meta":            {"Angaben", "Details"},
	"doc.date":            {"Datum", "Date"},
	"doc.source":          {"Quelle", "Source"},
	"doc.topics":          {"Themen", "Topics"},
	"doc.case.label":      {"Der Fall in Kürze", "The case in brief"},
	"doc.challenge":       {"Herausforderung", "Challenge"},
	"doc.approach":        {"Vorgehen", "Approach"},
	"doc.outcome":         {"Ergebnis", "Outcome"},
	"doc.cite":            {"Teilen und zitieren", "Share and cite"},
	"doc.permalink":       {"Permalink", "Permalink"},
	"doc.citation":        {"Zitiervorschlag", "Suggested citation"},
	"doc.copy":            {"Kopieren", "Copy"},
	"doc.copied":          {"Kopiert", "Copied"},
	"doc.json":            {"Dieses Dokument als JSON", "This document as JSON"},
	"doc.source.file":     {"Quelldatei", "Source file"},
	"doc.source.download": {"Herunterladen", "Download"},
	"doc.source.named":    {"%s herunterladen", "Download %s"},
	"doc.related":         {"Ähnliche Dokumente", "Related documents"},
	"doc.members":         {"Nur für Mitglieder", "Members only"},
	"cite.title":          {"„%s“.", "“%s”."},
	"cite.in":             {"In: Fundus – Wissensbasis des Lernnetzwerks für offene Innovation.", "In: Fundus – knowledge base of the learning network on open innovation."},
	"cite.accessed":       {"(abgerufen am %s).", "(accessed %s)."},

	// Sign-in.
	"auth.signin":                {"Anmelden", "Sign in"},
	"auth.signout":               {"Abmelden", "Sign out"},
	"auth.members":               {"Mitglieder", "Members"},
	"auth.members.hint":          {"Angemeldet: Sie sehen auch die Dokumente nur für Mitglieder.", "Signed in: you also see the members-only documents."},
	"signin.heading":             {"Anmelden", "Sign in"},
	"signin.lead":                {"Mitglieder des Netzwerks melden sich mit ihrem Zugangsschlüssel an und sehen dann auch die Dokumente nur für Mitglieder.", "Members of the network sign in with their access token to see the members-only documents too."},
	"signin.token":               {"Zugangsschlüssel", "Access token"},
	"signin.token.hint":          {"Den Schlüssel erhalten Sie von den Betreibern dieses Fundus.", "You get the token from whoever runs this Fundus."},
	"signin.expiry.one":          {"Die Anmeldung gilt in diesem Browser bis zum Abmelden, höchstens %d Stunde.", "The sign-in lasts in this browser until you sign out, at most %d hour."},
	"signin.expiry.other":        {"Die Anmeldung gilt in diesem Browser bis zum Abmelden, höchstens %d Stunden.", "The sign-in lasts in this browser until you sign out, at most %d hours."},
	"signin.submit":              {"Anmelden", "Sign in"},
	"signin.failed":              {"Die Anmeldung ist fehlgeschlagen. Bitte prüfen Sie den Zugangsschlüssel.", "Sign-in failed. Please check the access token."},
	"signin.limited":             {"Zu viele fehlgeschlagene Versuche. Bitte warten Sie eine Minute und versuchen Sie es dann noch einmal.", "Too many failed attempts. Please wait a minute, then try again."},
	"signin.done":                {"Sie sind angemeldet und sehen auch die Dokumente nur für Mitglieder.", "You are signed in and see the members-only documents too."},
	"signin.back":                {"Zurück zur vorigen Seite", "Back to the previous page"},
	"signin.unavailable.heading": {"Anmeldung nicht verfügbar", "Sign-in not available"},
	"signin.unavailable.message": {"Auf diesem Server ist keine Anmeldung eingerichtet. Alle Dokumente, die Sie sehen dürfen, finden Sie ohne Anmeldung über die Suche.", "Sign-in is not set up on this server. Every document you may see is found by the search, without signing in."},

	// Errors.
	"error.status":           {"Fehler %d", "Error %d"},
	"error.detail":           {"Technische Angabe:", "Technical detail:"},
	"error.search":           {"Stattdessen suchen", "Search instead"},
	"error.home":             {"Zur Startseite", "Go to the home page"},
	"error.400.heading":      {"Diese Anfrage können wir nicht ausführen", "We cannot run this request"},
	"error.400.message":      {"Der Parameter „%s“ hat einen ungültigen Wert. Korrigieren Sie die Adresse oder beginnen Sie eine neue Suche.", "The parameter “%s” has a value that is not valid. Correct the address or start a new search."},
	"error.404.heading":      {"Seite nicht gefunden", "Page not found"},
	"error.404.message":      {"Unter dieser Adresse gibt es keine Seite. Vielleicht hilft die Suche weiter.", "There is no page at this address. The search may help."},
	"error.doc404.heading":   {"Dokument nicht gefunden", "Document not found"},
	"error.doc404.message":   {"Ein Dokument mit dieser Adresse gibt es nicht (mehr). Vielleicht finden Sie es über die Suche.", "There is no document at this address (any more). You may find it with the search."},
	"error.topic404.heading": {"Thema nicht gefunden", "Topic not found"},
	"error.topic404.message": {"Zu diesem Thema gibt es keine Dokumente. Die Themenübersicht zeigt alle Themen.", "There are no documents on this topic. The topic overview lists every topic."},
	"error.alltopics":        {"Alle Themen", "All topics"},
	"error.403.heading":      {"Anfrage abgelehnt", "Request refused"},
	"error.403.message":      {"Diese Anfrage kam nicht von einer Seite dieser Website und wurde darum nicht ausgeführt. Bitte versuchen Sie es auf der Seite selbst noch einmal.", "This request did not come from a page of this site, so it was not carried out. Please try again on the page itself."},
	"error.csrf.heading":     {"Formular abgelaufen", "The form has expired"},
	"error.csrf.message":     {"Das Formular war veraltet oder kam nicht von einer Seite dieser Website. Bitte laden Sie die Seite neu und senden Sie es noch einmal.", "The form was out of date or did not come from a page of this site. Please reload the page and send it again."},
	"error.421.heading":      {"Unbekannte Adresse", "Unknown address"},
	"error.421.message":      {"Dieser Server ist nicht dafür eingerichtet, unter „%s“ erreicht zu werden. Wer ihn betreibt, kann die Adresse mit --public-url (oder FUNDUS_PUBLIC_URL) zulassen.", "This server is not set up to be reached as “%s”. Whoever runs it can allow the address with --public-url (or FUNDUS_PUBLIC_URL)."},
	"error.405.heading":      {"Nicht erlaubt", "Not allowed"},
	"error.405.message":      {"Diese Seite kann nur gelesen werden.", "This page can only be read."},
	"error.500.heading":      {"Ein interner Fehler ist aufgetreten", "An internal error occurred"},
	"error.500.message":      {"Das ist unser Fehler, nicht Ihrer. Bitte versuchen Sie es gleich noch einmal.", "This is our fault, not yours. Please try again in a moment."},
	"error.429.heading":      {"Zu viele Anfragen", "Too many requests"},
	"error.429.message":      {"Bitte warten Sie einen Moment und laden Sie die Seite dann neu.", "Please wait a moment, then reload the page."},
	"error.notready.heading": {"Der Suchindex wird gerade aufgebaut", "The search index is being built"},
	"error.notready.message": {"Das dauert meist nur kurz. Bitte laden Sie die Seite gleich neu.", "This usually takes only a moment. Please reload the page shortly."},
	"error.503.heading":      {"Die Anfrage hat zu lange gedauert", "The request took too long"},
	"error.503.message":      {"Bitte versuchen Sie es noch einmal, gegebenenfalls mit weniger Filtern.", "Please try again, perhaps with fewer filters."},

	// Document page: metadata names (docpage.go) and the rendered body.
	"meta.pages":            {"Seiten", "Pages"},
	"meta.truncated":        {"Text gekürzt", "Text truncated"},
	"meta.no_text":          {"Ohne Text (Scan)", "No text (scan)"},
	"meta.canonical":        {"Originaladresse", "Original address"},
	"meta.yes":              {"ja", "yes"},
	"meta.series":           {"Reihe", "Series"},
	"meta.format":           {"Format", "Format"},
	"meta.duration_minutes": {"Dauer", "Duration"},
	"meta.minutes":          {"%s Minuten", "%s minutes"},
}

func hasMessage(key string) bool {
	_, ok := messages[key]
	return ok
}

// translate returns the message key in lang, formatted with args when
// there are any. A missing key shows as the key itself, so it is noticed.
func translate(lang, key string, args ...any) string {
	m, ok := messages[key]
	if !ok {
		return key
	}
	i := 0
	if lang == "en" {
		i = 1
	}
	if len(args) == 0 {
		return m[i]
	}
	return fmt.Sprintf(m[i], args...)
}
