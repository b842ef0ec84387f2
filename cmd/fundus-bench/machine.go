package main

import (
	"os"
	"strings"
)

// loadAverage returns the 1-, 5- and 15-minute load averages, or "n/a".
func loadAverage() string {
	b, err := os.ReadFile("/proc/loadavg")
	if f := strings.Fields(string(b)); err == nil && len(f) >= 3 {
		return strings.Join(f[:3], " / ")
	}
	return "n/a"
}
