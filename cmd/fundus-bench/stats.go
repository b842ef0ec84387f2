package main

// Latency summaries and number formats shared by every report.

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"time"
)

// latencies summarises a set of latencies: their count, nearest-rank
// percentiles, mean and maximum.
type latencies struct {
	n             int
	p50, p95, p99 time.Duration
	mean, max     time.Duration
}

// summarizeLatencies summarises lat (in any order; lat is not changed).
func summarizeLatencies(lat []time.Duration) latencies {
	l := latencies{n: len(lat)}
	if len(lat) == 0 {
		return l
	}
	sorted := slices.Clone(lat)
	slices.Sort(sorted)
	var sum time.Duration
	for _, d := range sorted {
		sum += d
	}
	l.mean = sum / time.Duration(len(sorted))
	l.p50, l.p95, l.p99 = percentile(sorted, 0.50), percentile(sorted, 0.95), percentile(sorted, 0.99)
	l.max = sorted[len(sorted)-1]
	return l
}

// percentile returns the nearest-rank p-quantile of sorted latencies.
func percentile(sorted []time.Duration, p float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	k := int(math.Ceil(p*float64(len(sorted)))) - 1
	return sorted[min(max(k, 0), len(sorted)-1)]
}

// median returns the median of xs (the mean of the middle two for an even
// count).
func median(xs []float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	s := slices.Clone(xs)
	slices.Sort(s)
	m := len(s) / 2
	if len(s)%2 == 1 {
		return s[m]
	}
	return (s[m-1] + s[m]) / 2
}

// ratio returns a / b, or 0 when b is not positive.
func ratio(a, b time.Duration) float64 {
	if b <= 0 {
		return 0
	}
	return float64(a) / float64(b)
}

// ms converts d to milliseconds.
func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

// mb formats bytes as MB (2^20 bytes).
func mb(b int64) string {
	if b <= 0 {
		return "n/a"
	}
	return fmt.Sprintf("%.0f MB", float64(b)/(1<<20))
}

// thousands formats n with commas: 5183 → "5,183".
func thousands(n int) string {
	s := strconv.Itoa(n)
	for i := len(s) - 3; i > 0 && s[i-1] != '-'; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}
