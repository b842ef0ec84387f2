package indexer

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/fundus-kb/fundus/search"
)

// GlossaryFile is the name of the glossary in the data directory.
const GlossaryFile = "glossary.yaml"

// GlossaryPath returns the path of the glossary file of the knowledge base.
func (kb *KB) GlossaryPath() string { return filepath.Join(kb.dir, GlossaryFile) }

// readGlossary reads the glossary file, writing the embedded default first
// when there is none.
func (kb *KB) readGlossary() (*search.Glossary, error) {
	path := kb.GlossaryPath()
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		if werr := os.WriteFile(path, search.DefaultGlossaryYAML, 0o644); werr != nil {
			kb.log.Warn("cannot write the default glossary", "path", path, "err", werr)
		}
		data, err = search.DefaultGlossaryYAML, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read glossary: %w", err)
	}
	g, err := search.ParseGlossary(data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return g, nil
}

// loadGlossary reads the glossary at open. A glossary that cannot be read
// is logged, and the embedded default is used until it is fixed and
// reloaded.
func (kb *KB) loadGlossary() {
	g, err := kb.readGlossary()
	if err != nil {
		kb.log.Error("glossary not usable; using the built-in default until it is fixed and reloaded", "err", err)
		g = search.DefaultGlossary()
	}
	kb.gloss.Store(g)
}

// Glossary returns the glossary in use.
func (kb *KB) Glossary() *search.Glossary { return kb.gloss.Load() }

// ReloadGlossary reads the glossary file again and applies it: its synonym
// definitions replace the index's in one batch (a search sees the old set
// or the new one, never a mix), and its topic aliases apply to documents
// written from now on and to topic filters at once. A file that does not
// parse changes nothing and is reported.
func (kb *KB) ReloadGlossary() (*search.Glossary, error) {
	g, err := kb.readGlossary()
	if err != nil {
		return nil, err
	}
	kb.wmu.RLock()
	defer kb.wmu.RUnlock()
	kb.amu.Lock()
	defer kb.amu.Unlock()
	if kb.closed {
		return nil, errors.New("knowledge base is closed")
	}
	kb.gloss.Store(g)
	kb.imu.RLock()
	defer kb.imu.RUnlock()
	for _, ix := range []*search.Index{kb.index, kb.all} {
		if ix != nil {
			if err := ix.SetGlossary(g); err != nil {
				return nil, err
			}
		}
	}
	kb.log.Info("glossary reloaded", "synonym_groups", g.Groups(), "topic_aliases", g.TopicAliases())
	return g, nil
}

// canonicalTopics maps the topics of items to their canonical spelling by
// the glossary's topic aliases, updating the items' hash and JSON.
func (kb *KB) canonicalTopics(items []Item) {
	g := kb.gloss.Load()
	if g == nil {
		return
	}
	for i := range items {
		d := &items[i].Doc
		ts, changed := g.CanonicalTopics(d.Topics)
		if !changed {
			continue
		}
		d.Topics = ts
		items[i].JSON, items[i].Hash = d.EncodeAndHash()
	}
}
