package main

// What every report says about the machine it ran on: CPUs, CPU model,
// memory and the load average before and after the run, read from /proc
// on Linux; elsewhere the parts /proc would give are reported unknown.

import (
	"bufio"
	"fmt"
	"os"
	"runtime"
	"strconv"
	"strings"
)

// machine is the computer a benchmark runs on.
type machine struct {
	cpus       int    // runtime.NumCPU: the CPUs this process may use
	model      string // CPU model; "" when unknown
	memTotal   int64  // physical memory in bytes; 0 when unknown
	loadBefore string // load averages when the run began
	loadAfter  string // load averages when it ended ("" until finish)
}

// startMachine describes this machine and its load average as a run
// begins.
func startMachine() *machine {
	m := &machine{cpus: runtime.NumCPU(), loadBefore: loadAverage()}
	if b, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		m.model = parseCPUModel(string(b))
	}
	if b, err := os.ReadFile("/proc/meminfo"); err == nil {
		m.memTotal, _ = parseMemTotal(string(b))
	}
	return m
}

// finish records the load average as the run ends.
func (m *machine) finish() { m.loadAfter = loadAverage() }

// describe is the report's machine line: "2 CPUs (AMD EPYC), 23.5 GB
// memory; load average 0.52 / 0.40 / 0.31 before, 1.90 / 0.83 / 0.47
// after the run". after names what the second load average follows.
func (m *machine) describe(after string) string {
	model := m.model
	if model == "" {
		model = runtime.GOARCH + ", model unknown"
	}
	mem := "memory unknown"
	if m.memTotal > 0 {
		mem = fmt.Sprintf("%.1f GB memory", float64(m.memTotal)/(1<<30))
	}
	cpus := "CPUs"
	if m.cpus == 1 {
		cpus = "CPU"
	}
	s := fmt.Sprintf("%d %s (%s), %s; load average %s before", m.cpus, cpus, model, mem, m.loadBefore)
	if m.loadAfter != "" {
		s += fmt.Sprintf(", %s after %s", m.loadAfter, after)
	}
	return s
}

// loadAverage returns the 1-, 5- and 15-minute load averages, or "n/a".
func loadAverage() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "n/a"
	}
	if s, ok := parseLoadAvg(string(b)); ok {
		return s
	}
	return "n/a"
}

// parseLoadAvg returns the three load averages of /proc/loadavg text as
// "1.00 / 0.80 / 0.50"; false when the text does not start with three
// numbers.
func parseLoadAvg(text string) (string, bool) {
	f := strings.Fields(text)
	if len(f) < 3 {
		return "", false
	}
	for _, x := range f[:3] {
		if _, err := strconv.ParseFloat(x, 64); err != nil {
			return "", false
		}
	}
	return strings.Join(f[:3], " / "), true
}

// parseCPUModel returns the CPU model named by /proc/cpuinfo text (that of
// the first processor listed), or "". The keys that name it, best first:
// "model name" (x86 and some ARM), "Model" (Raspberry Pi boards), "cpu
// model" (MIPS), "cpu" (POWER) and "uarch" (RISC-V); arm64 kernels often
// give none of them.
func parseCPUModel(text string) string {
	found := map[string]string{}
	sc := bufio.NewScanner(strings.NewReader(text))
	for sc.Scan() {
		k, v, ok := strings.Cut(sc.Text(), ":")
		k, v = strings.TrimSpace(k), strings.Join(strings.Fields(v), " ")
		if _, seen := found[k]; ok && v != "" && !seen {
			found[k] = v
		}
	}
	for _, k := range []string{"model name", "Model", "cpu model", "cpu", "uarch"} {
		if v := found[k]; v != "" {
			return v
		}
	}
	return ""
}

// parseMemTotal returns the MemTotal of /proc/meminfo text in bytes;
// false when it is missing or malformed.
func parseMemTotal(text string) (int64, bool) {
	for line := range strings.Lines(text) {
		k, v, ok := strings.Cut(line, ":")
		if !ok || k != "MemTotal" {
			continue
		}
		f := strings.Fields(v)
		if len(f) == 0 {
			return 0, false
		}
		n, err := strconv.ParseInt(f[0], 10, 64)
		if err != nil || n < 0 {
			return 0, false
		}
		if len(f) > 1 && f[1] == "kB" {
			n <<= 10
		}
		return n, true
	}
	return 0, false
}
