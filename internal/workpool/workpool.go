// Package workpool runs one function over many items on a bounded number
// of goroutines, handing the results back to the caller's goroutine as
// they finish: the fan-out shared by fetching a sitemap's pages
// (indexer/crawl) and uploading a folder to a server (fundus ingest
// --server).
package workpool

import (
	"context"
	"sync"
)

// Each calls fn for every item on at most workers goroutines (at least
// one) and passes each result to yield, from the calling goroutine, in the
// order the calls finish. When ctx ends, items not yet started are
// skipped and results not yet handed over are dropped; yield may cancel
// ctx itself to stop early. Each returns once every call it started has
// returned.
func Each[In, Out any](ctx context.Context, items []In, workers int, fn func(context.Context, In) Out, yield func(Out)) {
	jobs := make(chan In)
	results := make(chan Out)
	var wg sync.WaitGroup
	for range max(1, min(workers, len(items))) {
		wg.Go(func() {
			for it := range jobs {
				r := fn(ctx, it)
				select {
				case results <- r:
				case <-ctx.Done():
					return
				}
			}
		})
	}
	go func() {
		defer close(jobs)
		for _, it := range items {
			select {
			case jobs <- it:
			case <-ctx.Done():
				return
			}
		}
	}()
	go func() {
		wg.Wait()
		close(results)
	}()
	for r := range results {
		yield(r)
	}
}
