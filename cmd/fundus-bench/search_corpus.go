package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// loadClaims returns the texts of the queries whose ids appear in the
// qrels file, trimmed, in the order of the queries file. Every qrels query
// must be found, with a text.
func loadClaims(queriesPath, qrelsPath string) ([]string, error) {
	texts, named, err := testQueries(queriesPath, qrelsPath)
	if err != nil {
		return nil, err
	}
	if named == 0 {
		return nil, fmt.Errorf("qrels %s: no query ids", qrelsPath)
	}
	var out []string
	for _, t := range texts {
		if t = strings.TrimSpace(t); t != "" {
			out = append(out, t)
		}
	}
	if len(out) != named {
		return nil, fmt.Errorf("queries %s: found %d of the %d query ids in %s", queriesPath, len(out), named, qrelsPath)
	}
	return out, nil
}

// firstWords returns the first n whitespace-separated words of s.
func firstWords(s string, n int) string {
	f := strings.Fields(s)
	return strings.Join(f[:min(n, len(f))], " ")
}

// sciDoc is one SciFact abstract.
type sciDoc struct {
	ID    string `json:"_id"`
	Title string `json:"title"`
	Text  string `json:"text"`
}

// loadSciFact reads the SciFact corpus.
func loadSciFact(path string) ([]sciDoc, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("read corpus: %w", err)
	}
	defer f.Close()
	var docs []sciDoc
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 16<<20)
	for n := 1; sc.Scan(); n++ {
		if len(bytes.TrimSpace(sc.Bytes())) == 0 {
			continue
		}
		var d sciDoc
		if err := json.Unmarshal(sc.Bytes(), &d); err != nil {
			return nil, fmt.Errorf("corpus %s:%d: %w", path, n, err)
		}
		docs = append(docs, d)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("read corpus: %w", err)
	}
	if len(docs) == 0 {
		return nil, fmt.Errorf("corpus %s: no documents", path)
	}
	return docs, nil
}

func titlesOf(docs []sciDoc) []string {
	out := make([]string, 0, len(docs))
	for _, d := range docs {
		if d.Title != "" {
			out = append(out, d.Title)
		}
	}
	return out
}

// splitSentences splits text after ".", "!" or "?" followed by a space
// and an upper-case letter or a digit.
func splitSentences(text string) []string {
	var out []string
	start := 0
	for i := 0; i+2 < len(text); i++ {
		if c := text[i]; (c == '.' || c == '!' || c == '?') && text[i+1] == ' ' {
			r, _ := utf8.DecodeRuneInString(text[i+2:])
			if unicode.IsUpper(r) || unicode.IsDigit(r) {
				if s := strings.TrimSpace(text[start : i+1]); s != "" {
					out = append(out, s)
				}
				start = i + 2
			}
		}
	}
	if s := strings.TrimSpace(text[start:]); s != "" {
		out = append(out, s)
	}
	return out
}

// Facet vocabularies of the synthetic corpus.
var (
	synTopics = func() []string {
		areas := []string{"Oncology", "Immunology", "Genetics", "Neuroscience", "Cardiology", "Infectious Diseases", "Public Health",
			"Epidemiology", "Microbiology", "Endocrinology", "Pharmacology", "Stem Cells", "Metabolism", "Ageing", "Nutrition",
			"Mental Health", "Paediatrics", "Vaccines", "Bioinformatics", "Clinical Trials", "Health Policy", "Open Science",
			"Research Funding", "Technology Transfer", "Digital Health"}
		aspects := []string{"", " Methods", " Policy", " Innovation", " Data", " Ethics", " Education", " Networks"}
		var out []string
		for _, a := range aspects {
			for _, b := range areas {
				out = append(out, b+a)
			}
		}
		return out // 200
	}()
	synOrgs = func() []string {
		cities := []string{"Berlin", "Hamburg", "München", "Köln", "Frankfurt", "Stuttgart", "Leipzig", "Dresden", "Bremen", "Hannover",
			"Aachen", "Heidelberg", "Freiburg", "Tübingen", "Göttingen", "Jena", "Kiel", "Rostock", "Mainz", "Bonn",
			"Wien", "Zürich", "Basel", "Graz", "Linz"}
		kinds := []string{"Universität %s", "Universitätsklinikum %s", "Hochschule %s", "Fraunhofer-Institut %s", "Max-Planck-Institut %s",
			"Helmholtz-Zentrum %s", "Leibniz-Institut %s", "Gründerzentrum %s", "Innovationsagentur %s", "Stiftung %s",
			"Wirtschaftsförderung %s", "IHK %s", "%s BioTech GmbH", "%s Pharma AG", "%s Medical Devices", "%s Health Lab",
			"Technologiepark %s", "Forschungscampus %s", "Klinikum %s", "Gesundheitsamt %s"}
		var out []string
		for _, k := range kinds {
			for _, c := range cities {
				out = append(out, fmt.Sprintf(k, c))
			}
		}
		return out // 500
	}()
	synPeople = func() []string {
		first := []string{"Anna", "Ben", "Clara", "David", "Elif", "Felix", "Greta", "Hannes", "Ida", "Jonas", "Katrin", "Lukas", "Mia",
			"Noah", "Olga", "Paul", "Quirin", "Rosa", "Sami", "Tara", "Ute", "Viktor", "Wiebke", "Xaver", "Yasmin", "Zoe", "Amir",
			"Birte", "Carlos", "Dana", "Emil", "Frieda", "Georg", "Hanna", "Ilya", "Jana", "Karl", "Lea", "Malte", "Nina", "Oskar",
			"Pia", "Rafael", "Sophie", "Timo", "Uwe", "Vera", "Wolf", "Yusuf", "Zeynep"}
		last := []string{"Albers", "Becker", "Cramer", "Dietrich", "Engel", "Fischer", "Graf", "Hoffmann", "Iversen", "Jung", "Keller",
			"Lange", "Meyer", "Neumann", "Otto", "Peters", "Quast", "Richter", "Schulz", "Thiel", "Ulrich", "Vogel", "Wagner",
			"Yilmaz", "Zimmer", "Arnold", "Brandt", "Conrad", "Dreyer", "Ebert", "Franke", "Göbel", "Haas", "Ilgen", "Jäger",
			"Kraus", "Lorenz", "Marx", "Nowak", "Ortmann"}
		var out []string
		for _, l := range last {
			for _, f := range first {
				out = append(out, f+" "+l)
			}
		}
		return out // 2000
	}()
	synAddressees = []string{"Bund", "Länder", "Kommunen", "EU", "Hochschulen", "Unternehmen", "Stiftungen", "Forschungsförderer", "Verbände", "Zivilgesellschaft"}
	synAreas      = []string{"Forschungspolitik", "Wirtschaftspolitik", "Bildungspolitik", "Gesundheitspolitik", "Digitalpolitik", "Innovationspolitik",
		"Regionalpolitik", "Arbeitsmarktpolitik", "Umweltpolitik", "Wissenschaftspolitik", "Europapolitik", "Finanzpolitik"}
)

// synDoc is one record of the synthetic corpus, in Fundus's input format.
type synDoc struct {
	ID            string   `json:"id"`
	Type          string   `json:"type"`
	Title         string   `json:"title"`
	Body          string   `json:"body"`
	Date          string   `json:"date"`
	Language      string   `json:"language"`
	Topics        []string `json:"topics"`
	Organizations []string `json:"organizations,omitempty"`
	People        []string `json:"people,omitempty"`
	Addressees    []string `json:"addressees,omitempty"`
	PolicyArea    string   `json:"policy_area,omitempty"`
}

// syntheticDescription says how writeSynthetic builds a corpus of n
// documents from nsci SciFact abstracts.
func syntheticDescription(n, nsci int) string {
	return fmt.Sprintf("document `syn-N` (N from 0) takes SciFact abstract N mod %s (each abstract is used about %d times) with its title, ", thousands(nsci), (n+nsci-1)/nsci) +
		"splits the abstract into sentences, shuffles them, and replaces one sentence (two for abstracts of more than six) " +
		"with random sentences of other abstracts, all with a seeded PCG generator (`--seed`); facet values are drawn per document: " +
		"type (webinar 35 %, case 25 %, recommendation 20 %, other 20 %), a date from 2005–2024, 1–3 of 200 topics, 0–2 of 500 organisations " +
		"and 0–3 of 2,000 people (Zipf-distributed, s = 1.1), and for recommendations 1–2 of 10 addressees and one of 12 policy areas; language `en`"
}

// writeSynthetic writes n documents made from the SciFact abstracts to
// path as JSON Lines (see syntheticDescription).
func writeSynthetic(path string, sci []sciDoc, n int, seed uint64) error {
	tmp := path + ".tmp"
	f, err := os.Create(tmp)
	if err != nil {
		return fmt.Errorf("synthetic corpus: %w", err)
	}
	bw := bufio.NewWriterSize(f, 1<<20)
	enc := json.NewEncoder(bw)
	enc.SetEscapeHTML(false)
	g := newSynGen(sci, seed)
	for i := range n {
		if err := enc.Encode(g.doc(i)); err != nil {
			f.Close()
			return fmt.Errorf("synthetic corpus: %w", err)
		}
	}
	if err := bw.Flush(); err != nil {
		f.Close()
		return fmt.Errorf("synthetic corpus: %w", err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("synthetic corpus: %w", err)
	}
	return os.Rename(tmp, path)
}

// synGen generates synthetic documents deterministically.
type synGen struct {
	sci                  []sciDoc
	sents                [][]string
	rng                  *rand.Rand
	topics, orgs, people *rand.Zipf
}

func newSynGen(sci []sciDoc, seed uint64) *synGen {
	g := &synGen{sci: sci, rng: rand.New(rand.NewPCG(seed, 0x5eed))}
	g.sents = make([][]string, len(sci))
	for i, d := range sci {
		g.sents[i] = splitSentences(d.Text)
	}
	g.topics = rand.NewZipf(g.rng, 1.1, 1, uint64(len(synTopics)-1))
	g.orgs = rand.NewZipf(g.rng, 1.1, 1, uint64(len(synOrgs)-1))
	g.people = rand.NewZipf(g.rng, 1.1, 1, uint64(len(synPeople)-1))
	return g
}

// doc makes document i; calls must come in order 0, 1, 2 … for the
// corpus to be the same from run to run.
func (g *synGen) doc(i int) synDoc {
	r := g.rng
	src := i % len(g.sci)
	sents := append([]string(nil), g.sents[src]...)
	r.Shuffle(len(sents), func(a, b int) { sents[a], sents[b] = sents[b], sents[a] })
	swaps := 1
	if len(sents) > 6 {
		swaps = 2
	}
	for range swaps {
		other := g.sents[r.IntN(len(g.sents))]
		if len(other) == 0 || len(sents) == 0 {
			continue
		}
		sents[r.IntN(len(sents))] = other[r.IntN(len(other))]
	}
	d := synDoc{
		ID:       "syn-" + strconv.Itoa(i),
		Title:    g.sci[src].Title,
		Body:     strings.Join(sents, " "),
		Language: "en",
	}
	switch p := r.IntN(100); {
	case p < 35:
		d.Type = "webinar"
	case p < 60:
		d.Type = "case"
	case p < 80:
		d.Type = "recommendation"
	default:
		d.Type = "other"
	}
	d.Date = fmt.Sprintf("%d-%02d-%02d", 2005+r.IntN(20), 1+r.IntN(12), 1+r.IntN(28))
	d.Topics = pick(synTopics, g.topics, 1+r.IntN(3))
	d.Organizations = pick(synOrgs, g.orgs, r.IntN(3))
	d.People = pick(synPeople, g.people, r.IntN(4))
	if d.Type == "recommendation" {
		for _, k := range r.Perm(len(synAddressees))[:1+r.IntN(2)] {
			d.Addressees = append(d.Addressees, synAddressees[k])
		}
		d.PolicyArea = synAreas[r.IntN(len(synAreas))]
	}
	return d
}

// pick draws n distinct values of vocab with z.
func pick(vocab []string, z *rand.Zipf, n int) []string {
	var out []string
	for tries := 0; len(out) < n && tries < 10*n; tries++ {
		v := vocab[z.Uint64()]
		if !slices.Contains(out, v) {
			out = append(out, v)
		}
	}
	return out
}

// suggestPrefixes returns n prefixes of 2–6 letters of words in titles,
// chosen with a seeded generator and lowercased, as a user would type
// them.
func suggestPrefixes(titles []string, n int, seed uint64) []string {
	r := rand.New(rand.NewPCG(seed, 0x5a99e57))
	out := make([]string, 0, n)
	for tries := 0; len(out) < n && tries < 100*n; tries++ {
		words := strings.FieldsFunc(titles[r.IntN(len(titles))], func(c rune) bool { return !unicode.IsLetter(c) })
		if len(words) == 0 {
			continue
		}
		w := []rune(strings.ToLower(words[r.IntN(len(words))]))
		if len(w) < 2 {
			continue
		}
		k := 2 + r.IntN(5)
		out = append(out, string(w[:min(k, len(w))]))
	}
	return out
}
