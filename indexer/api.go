package indexer

import (
	"context"
	"fmt"
	"io/fs"
	"path"
	"strings"

	"github.com/fundus-kb/fundus/indexer/parse"
	"github.com/fundus-kb/fundus/search"
)

// OriginAPI marks documents written through the HTTP API.
const OriginAPI = "api"

// IngestBytes parses data as the file name (its extension picks the
// parser) and writes its documents, as `fundus ingest` would a file of that
// name. A document without an id gets the name without extension (plus
// "#line" for JSON Lines records): a relative slash path such as
// "sub/note.md" gives "sub/note", as a folder ingest of its parent would;
// any other name (absolute, with "..", a drive) only its base name. When id is given, the input must
// hold one document, which gets that id. The results name each document's
// outcome; the error is for failures of the knowledge base itself.
func (kb *KB) IngestBytes(ctx context.Context, name string, data []byte, id string) ([]search.WriteResult, error) {
	base := path.Base(strings.ReplaceAll(name, "\\", "/"))
	if !parse.Supported(base) {
		return []search.WriteResult{{Status: search.Failed, Error: fmt.Sprintf("%s: unsupported file type (want %s)", base, strings.Join(supportedList(), ", "))}}, nil
	}
	recs, errs := kb.parseInput(ctx, base, data)
	in := uploadInput(uploadPath(name), id)
	var out []search.WriteResult
	var items []Item
	var slots []int // out index of each item
	warning := ""
	seen := claims{}
	for _, p := range in.entries(recs, errs) {
		seen.take(&p)
		switch p.kind {
		case warned:
			warning = p.err.Error()
		case ready:
			items = append(items, p.item)
			slots = append(slots, len(out))
			out = append(out, search.WriteResult{ID: p.item.Doc.ID, Line: p.line, Warning: warning})
		default:
			out = append(out, p.result())
		}
	}
	if len(items) == 0 {
		return out, nil
	}
	res, err := kb.Put(ctx, items)
	for i, r := range res {
		w := &out[slots[i]]
		w.Status, w.Error = r.Status, r.Error
		if r.Error != "" {
			w.Status = search.Failed
		}
	}
	return out, err
}

// uploadPath is the path an upload's file name gives the default ids
// of its documents: the name when it is a relative slash path that stays
// inside its folder (fs.ValidPath: no "..", ".", empty or leading-slash
// elements) and names no drive, else its base name.
func uploadPath(name string) string {
	name = strings.ReplaceAll(name, "\\", "/")
	if !fs.ValidPath(name) || strings.Contains(name, ":") {
		return path.Base(name)
	}
	return name
}

// uploadInput describes an upload of a file named base, a slash path (a document
// without an id gets its name without extension) whose one document is id,
// when given. A document that names no source has none (not "api").
func uploadInput(base, id string) *input {
	return &input{label: base, fileID: strings.TrimSuffix(base, path.Ext(base)), id: id, origin: OriginAPI}
}

func supportedList() []string {
	exts := parse.Extensions()
	for i := range exts {
		exts[i] = strings.TrimPrefix(exts[i], ".")
	}
	return exts
}

// DeleteDocument deletes one document; its result is "deleted" or
// "not_found".
func (kb *KB) DeleteDocument(ctx context.Context, id string) (search.WriteResult, error) {
	res, err := kb.Delete(ctx, id)
	if err != nil {
		return search.WriteResult{ID: id, Status: search.Failed, Error: err.Error()}, err
	}
	return search.WriteResult{ID: id, Status: res[0].Status}, nil
}

// Related returns documents like the one with id.
func (kb *KB) Related(ctx context.Context, id string, n int) ([]search.Hit, error) {
	d, err := kb.Document(ctx, id)
	if err != nil {
		return nil, err
	}
	return read(kb, ctx, func(ix *search.Index) ([]search.Hit, error) { return ix.Related(ctx, d, n) })
}

// Topics counts documents per topic and type.
func (kb *KB) Topics(ctx context.Context) ([]search.TopicCount, error) {
	return read(kb, ctx, func(ix *search.Index) ([]search.TopicCount, error) { return ix.Topics(ctx) })
}

// Warm prepares what searches derive from the index (facet tables, the
// vocabulary), so that the first search does not wait for it.
func (kb *KB) Warm(ctx context.Context) error {
	for _, c := range []context.Context{ctx, search.WithMembers(ctx)} {
		ix, done, err := kb.readIndex(c)
		if err != nil {
			return err
		}
		err = ix.Warm(ctx)
		done()
		if err != nil {
			return err
		}
	}
	return nil
}

// Suggest completes a prefix from topics, people, organisations and titles.
func (kb *KB) Suggest(ctx context.Context, prefix string, n int) ([]search.Suggestion, error) {
	return read(kb, ctx, func(ix *search.Index) ([]search.Suggestion, error) { return ix.Suggest(ctx, prefix, n) })
}

// EachID calls fn with the id of every hit of r, in r's order (see
// search.Index.EachID).
func (kb *KB) EachID(ctx context.Context, r search.Request, fn func(id string) error) error {
	_, err := read(kb, ctx, func(ix *search.Index) (struct{}, error) { return struct{}{}, ix.EachID(ctx, r, fn) })
	return err
}
