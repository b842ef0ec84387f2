package search

import (
	"bytes"
	"crypto/sha256"
	_ "embed"
	"encoding/hex"
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/document"
	"github.com/blevesearch/bleve/v2/search/query"
	"gopkg.in/yaml.v3"
)

// DefaultGlossaryYAML is the glossary a new data directory starts with.
//
//go:embed glossary.yaml
var DefaultGlossaryYAML []byte

// Glossary holds synonym groups and topic aliases (see glossary.yaml).
//
// Synonyms reach the index in two ways. Members that are one word for an
// analyzer go to Bleve's synonym index (a synonym source per language,
// collection "glossary"), so that Bleve expands a query word with them;
// Bleve's synonym definitions are single terms only (a phrase such as "open
// innovation" is dropped when it is indexed), so phrases are matched and
// expanded by the query compiler: a query word or run of words that is a
// member finds the group's phrases as phrases, and a phrase in the query
// finds the group's other members.
type Glossary struct {
	Synonyms [][]string          `yaml:"synonyms"`
	Topics   map[string][]string `yaml:"topics"`
	// English names German topic, addressee and policy-area values in
	// the English interface; the values themselves (and the filters that
	// name them) stay as they are.
	English map[string]string `yaml:"english"`

	groups  [][]string        // cleaned synonym groups
	byKey   map[string][]int  // member key → groups
	maxLen  int               // most terms in a member key
	topicOf map[string]string // lowercased topic or alias → canonical topic
	aliases map[string][]string
	english map[string]string // lowercased value → English name
	hash    string
}

// ParseGlossary reads a glossary in YAML.
func ParseGlossary(data []byte) (*Glossary, error) {
	var g Glossary
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&g); err != nil && err.Error() != "EOF" {
		return nil, fmt.Errorf("glossary: %w", err)
	}
	if err := g.prepare(); err != nil {
		return nil, err
	}
	sum := sha256.Sum256(data)
	g.hash = hex.EncodeToString(sum[:8])
	return &g, nil
}

// DefaultGlossary returns the embedded default glossary.
func DefaultGlossary() *Glossary {
	g, err := ParseGlossary(DefaultGlossaryYAML)
	if err != nil {
		panic("search: default glossary: " + err.Error())
	}
	return g
}

// EnglishName returns the English name of a topic, addressee or policy
// area value (see English), and "" when the glossary gives none. A topic
// alias has the name of its topic.
func (g *Glossary) EnglishName(value string) string {
	if g == nil {
		return ""
	}
	v := strings.ToLower(strings.Join(strings.Fields(value), " "))
	if en := g.english[v]; en != "" {
		return en
	}
	if c := g.topicOf[v]; c != "" {
		return g.english[strings.ToLower(c)]
	}
	return ""
}

// Hash identifies the glossary's text.
func (g *Glossary) Hash() string { return g.hash }

// Groups returns the number of synonym groups.
func (g *Glossary) Groups() int { return len(g.groups) }

// TopicAliases returns the number of topic aliases.
func (g *Glossary) TopicAliases() int {
	n := 0
	for _, as := range g.aliases {
		n += len(as) - 1
	}
	return n
}

func (g *Glossary) prepare() error {
	g.byKey = map[string][]int{}
	for i, raw := range g.Synonyms {
		var grp []string
		seen := map[string]bool{}
		for _, m := range raw {
			m = strings.Join(strings.Fields(m), " ")
			lm := strings.ToLower(m)
			if glossaryKey(m) == "" || seen[lm] {
				continue
			}
			seen[lm] = true
			grp = append(grp, m)
		}
		if len(grp) < 2 {
			return fmt.Errorf("glossary: synonym group %d (%q) needs at least two different members", i+1, raw)
		}
		gi := len(g.groups)
		g.groups = append(g.groups, grp)
		for _, m := range grp {
			k := glossaryKey(m)
			if !slices.Contains(g.byKey[k], gi) {
				g.byKey[k] = append(g.byKey[k], gi)
			}
			g.maxLen = max(g.maxLen, len(strings.Fields(k)))
		}
	}
	g.english = map[string]string{}
	for v, en := range g.English {
		v, en = strings.Join(strings.Fields(v), " "), strings.Join(strings.Fields(en), " ")
		if v == "" || en == "" {
			return fmt.Errorf("glossary: english: %q: empty value or name", v)
		}
		g.english[strings.ToLower(v)] = en
	}
	g.topicOf = map[string]string{}
	g.aliases = map[string][]string{}
	canon := make([]string, 0, len(g.Topics))
	for c := range g.Topics {
		canon = append(canon, c)
	}
	sort.Strings(canon)
	for _, c := range canon {
		c = strings.Join(strings.Fields(c), " ")
		if c == "" {
			return fmt.Errorf("glossary: empty topic name")
		}
		lc := strings.ToLower(c)
		if other, ok := g.topicOf[lc]; ok && other != c {
			return fmt.Errorf("glossary: topic %q is an alias of %q too", c, other)
		}
		g.topicOf[lc] = c
		g.aliases[c] = []string{c}
	}
	for _, c := range canon {
		for _, a := range g.Topics[c] {
			a = strings.Join(strings.Fields(a), " ")
			la := strings.ToLower(a)
			if a == "" {
				continue
			}
			if other, ok := g.topicOf[la]; ok && other != c {
				return fmt.Errorf("glossary: topic alias %q names both %q and %q", a, other, c)
			}
			if _, ok := g.topicOf[la]; !ok {
				g.topicOf[la] = c
				g.aliases[c] = append(g.aliases[c], a)
			}
		}
	}
	return nil
}

// glossaryKey is how a glossary member or a run of query words is compared:
// its German index terms, space-separated (lower case, umlauts normalised,
// stemmed, stop words left out; "kleine und mittlere Unternehmen" and
// "kleinen und mittleren Unternehmen" are both "klein mittl unternehm").
// Hyphens separate words.
func glossaryKey(s string) string {
	var terms []string
	for _, t := range germanAnalyzer.Analyze([]byte(s)) {
		terms = append(terms, string(t.Term))
	}
	return strings.Join(terms, " ")
}

// CanonicalTopic returns the canonical spelling of topic t: the topic an
// alias names, t itself when it is no alias.
func (g *Glossary) CanonicalTopic(t string) string {
	if g == nil {
		return t
	}
	if c, ok := g.topicOf[strings.ToLower(strings.Join(strings.Fields(t), " "))]; ok {
		return c
	}
	return t
}

// CanonicalTopics maps every topic to its canonical spelling, dropping
// duplicates; it reports whether anything changed.
func (g *Glossary) CanonicalTopics(ts []string) ([]string, bool) {
	if g == nil || len(ts) == 0 {
		return ts, false
	}
	out := make([]string, 0, len(ts))
	seen := map[string]bool{}
	changed := false
	for _, t := range ts {
		c := g.CanonicalTopic(t)
		if c != t {
			changed = true
		}
		if seen[strings.ToLower(c)] {
			changed = true
			continue
		}
		seen[strings.ToLower(c)] = true
		out = append(out, c)
	}
	return out, changed
}

// topicSpellings returns the lowercased spellings a topic filter value
// matches: the value, its canonical topic and all of that topic's aliases
// (documents indexed before an alias was added keep their spelling).
func (g *Glossary) topicSpellings(v string) []string {
	lv := strings.ToLower(strings.Join(strings.Fields(v), " "))
	out := []string{lv}
	if g == nil {
		return out
	}
	c, ok := g.topicOf[lv]
	if !ok {
		return out
	}
	for _, a := range g.aliases[c] {
		if la := strings.ToLower(a); la != lv {
			out = append(out, la)
		}
	}
	return out
}

// synonymsOf returns the other members of the groups that the member with
// key k belongs to.
func (g *Glossary) synonymsOf(k string) []string {
	if g == nil {
		return nil
	}
	var out []string
	for _, gi := range g.byKey[k] {
		for _, m := range g.groups[gi] {
			if !strings.EqualFold(glossaryKey(m), k) && !containsFold(out, m) {
				out = append(out, m)
			}
		}
	}
	return out
}

func containsFold(ss []string, s string) bool {
	for _, x := range ss {
		if strings.EqualFold(x, s) {
			return true
		}
	}
	return false
}

// Synonym documents: the glossary's synonym definitions live in the index,
// in one document that holds every group (one document per group would
// count in the BM25 document count).
const (
	synonymCollection = "glossary"
	// glossaryDocID is the id of the document holding the synonym
	// definitions; searches never match it.
	glossaryDocID = "\x1fglossary"
)

var internalGlossary = []byte("fundus:glossary")

// synonymSource names the synonym source of a language's text fields.
func synonymSource(suffix string) string { return "glossary_" + suffix }

// SetGlossary makes g the index's glossary: its synonym definitions replace
// the index's in one batch (searches see the old or the new set, never a
// mix), and queries compiled afterwards use its phrases and topic aliases.
func (ix *Index) SetGlossary(g *Glossary) error {
	if g == nil {
		g = &Glossary{}
		if err := g.prepare(); err != nil {
			return err
		}
	}
	im := ix.b.Mapping()
	// One synonym field per source and group, holding the members that are
	// one term for the source's analyzer, when there are two or more:
	// Bleve drops the other members, and a source whose synonym lists are
	// all empty makes every search that uses it fail ("no synonyms
	// found"). So that no source is ever empty, each gets a sentinel
	// group of two made-up words.
	doc := document.NewSynonymDocument(glossaryDocID)
	for _, l := range textLangs {
		an := im.AnalyzerNamed(l.analyzer)
		if an == nil {
			return fmt.Errorf("set glossary: no analyzer %q", l.analyzer)
		}
		groups := append([][]string{{"fundusglossarsentinela", "fundusglossarsentinelb"}}, g.groups...)
		for _, grp := range groups {
			var single []string
			seen := map[string]bool{}
			for _, m := range grp {
				if ts := an.Analyze([]byte(m)); len(ts) == 1 && !seen[string(ts[0].Term)] {
					seen[string(ts[0].Term)] = true
					single = append(single, m)
				}
			}
			if len(single) >= 2 {
				doc.AddField(document.NewSynonymField(synonymSource(l.suffix), an, nil, single))
			}
		}
	}
	batch := ix.b.NewBatch()
	if err := batch.IndexAdvanced(doc); err != nil {
		return fmt.Errorf("set glossary: %w", err)
	}
	batch.SetInternal(internalGlossary, []byte(g.hash))
	if err := ix.b.Batch(batch); err != nil {
		return fmt.Errorf("set glossary: %w", err)
	}
	ix.gloss.Store(g)
	ix.gen.Add(1)
	return nil
}

// GlossaryHash returns the hash of the glossary whose synonyms the index
// holds ("" for none).
func (ix *Index) GlossaryHash() string {
	v, err := ix.b.GetInternal(internalGlossary)
	if err != nil {
		return ""
	}
	return string(v)
}

// Glossary returns the index's glossary (nil before SetGlossary).
func (ix *Index) Glossary() *Glossary { return ix.gloss.Load() }

// allDocs matches every document of the index but the glossary's.
func allDocs() query.Query {
	return query.NewBooleanQuery([]query.Query{bleve.NewMatchAllQuery()}, nil, []query.Query{bleve.NewDocIDQuery([]string{glossaryDocID})})
}

// UseGlossary makes g the index's glossary like SetGlossary, but writes the
// synonym definitions only when the index holds another glossary's.
func (ix *Index) UseGlossary(g *Glossary) error {
	if g != nil && ix.GlossaryHash() == g.hash {
		ix.gloss.Store(g)
		return nil
	}
	return ix.SetGlossary(g)
}
