package indexer

import (
	"github.com/fundus-kb/fundus/indexer/parse"
	"github.com/fundus-kb/fundus/search"
)

func recordOf(d search.Document, suffix string) parse.Record {
	return parse.Record{Doc: d, Suffix: suffix}
}
