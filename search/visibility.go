package search

import (
	"context"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search/query"
)

// fieldVisibility indexes Document.Visibility.
const fieldVisibility = "visibility"

type membersKey struct{}

// WithMembers returns a context whose searches and lookups include
// members-only documents. Requests without it see public documents only:
// members-only documents do not exist for them, in hits, facet counts,
// suggestions, related documents, feeds, exports or lookups by id.
func WithMembers(ctx context.Context) context.Context {
	return context.WithValue(ctx, membersKey{}, true)
}

// Members reports whether ctx may see members-only documents.
func Members(ctx context.Context) bool {
	v, _ := ctx.Value(membersKey{}).(bool)
	return v
}

// Visible reports whether d may be shown to a request with ctx.
func Visible(ctx context.Context, d *Document) bool {
	return d.Visibility != VisibilityMembers || Members(ctx)
}

// restrict wraps q so that it matches only documents ctx may see.
//
// Filtering alone does not hide members-only documents: BM25 statistics
// (document count, term document frequencies, field lengths), the typo
// check's word counts, the vocabulary and the facet and suggestion
// dictionaries are per index, so documents a request cannot see would
// still change its scores, corrections and timing. The knowledge base
// therefore keeps them out of the index anonymous requests search (see
// the indexer package: index/ holds public documents, index-all/ every
// document, for members); restrict is the second line of defence, for an
// index that holds both.
func restrict(ctx context.Context, q query.Query) query.Query {
	if Members(ctx) {
		return q
	}
	tq := bleve.NewTermQuery(VisibilityMembers)
	tq.SetField(fieldVisibility)
	return query.NewBooleanQuery([]query.Query{q}, nil, []query.Query{tq})
}
