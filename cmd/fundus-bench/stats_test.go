package main

import (
	"testing"
	"time"

	"github.com/fundus-kb/fundus/internal/tabletest"
)

func TestPercentile(t *testing.T) {
	lat := millisUpTo(100)
	for _, c := range []struct {
		name   string
		sorted []time.Duration
		p      float64
		want   time.Duration
	}{
		{"p50 of 1..100 ms", lat, 0.5, 50 * time.Millisecond},
		{"p95 of 1..100 ms", lat, 0.95, 95 * time.Millisecond},
		{"p99 of 1..100 ms", lat, 0.99, 99 * time.Millisecond},
		{"p100 is the maximum", lat, 1, 100 * time.Millisecond},
		{"p0 is the minimum", lat, 0, time.Millisecond},
		{"one value", []time.Duration{7}, 0.99, 7},
		{"none", nil, 0.5, 0},
	} {
		t.Run(c.name, func(t *testing.T) {
			if got := percentile(c.sorted, c.p); got != c.want {
				t.Errorf("percentile(%v) = %v, want %v", c.p, got, c.want)
			}
		})
	}
}

func TestSummarizeLatencies(t *testing.T) {
	in := []time.Duration{30, 10, 20, 40}
	got := summarizeLatencies(in)
	want := latencies{n: 4, p50: 20, p95: 40, p99: 40, mean: 25, max: 40}
	if got != want {
		t.Errorf("summarizeLatencies(%v) = %+v, want %+v", in, got, want)
	}
	if in[0] != 30 {
		t.Errorf("summarizeLatencies sorted its input: %v", in)
	}
	if got := summarizeLatencies(nil); got != (latencies{}) {
		t.Errorf("summarizeLatencies(nil) = %+v, want zero", got)
	}
}

func TestMedian(t *testing.T) {
	tabletest.Run(t, "median", median, []tabletest.Case[[]float64, float64]{
		{"none", nil, 0},
		{"one", []float64{3}, 3},
		{"odd count", []float64{20.7, 1.4, 2.3}, 2.3},
		{"even count", []float64{4, 1, 3, 2}, 2.5},
	})
}

func TestThousands(t *testing.T) {
	tabletest.Map(t, "thousands", thousands, map[int]string{0: "0", 999: "999", 5183: "5,183", 100000: "100,000", 1234567: "1,234,567", -1234: "-1,234"})
}

// TestMedianRatios checks that the median row's ratios are the medians of
// the rounds' ratios, not ratios of medians taken from different rounds.
func TestMedianRatios(t *testing.T) {
	rounds := []row{
		{plain: baselineRow{ratio: 0.43, wallRatio: 0.5, cpuRatio: 0.8}},
		{plain: baselineRow{ratio: 1.03, wallRatio: 1.1, cpuRatio: 0.7}},
		{plain: baselineRow{ratio: 0.75, wallRatio: 0.9, cpuRatio: 0.9}},
	}
	var med baselineRow
	med.ratios(rounds, func(r row) baselineRow { return r.plain })
	for _, tc := range []struct {
		name      string
		got, want float64
	}{
		{"throughput", med.ratio, 0.75},
		{"wall", med.wallRatio, 0.9},
		{"cpu", med.cpuRatio, 0.8},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if tc.got != tc.want {
				t.Errorf("median ratio %v, want %v", tc.got, tc.want)
			}
		})
	}
}
