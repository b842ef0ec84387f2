package web_test

import (
	"context"
	"time"

	"github.com/fundus-kb/fundus/indexer"
	"github.com/fundus-kb/fundus/search"
)

// slowSearcher delays every search.
type slowSearcher struct {
	*indexer.KB
	delay time.Duration
}

func (s slowSearcher) Search(ctx context.Context, r search.Request) (*search.Result, error) {
	time.Sleep(s.delay)
	return s.KB.Search(ctx, r)
}
