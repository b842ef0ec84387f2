package main

import (
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// procText returns a test case's /proc text: the fixture testdata/proc/name
// (a copy of a /proc file) when name is set, else text.
func procText(t testing.TB, name, text string) string {
	t.Helper()
	if name == "" {
		return text
	}
	b, err := os.ReadFile(filepath.Join("testdata", "proc", name))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestParseCPUModel(t *testing.T) {
	for _, c := range []struct {
		name, fixture, text, want string
	}{
		{name: "x86 model name", fixture: "cpuinfo-amd-epyc", want: "AMD EPYC"},
		{name: "arm64 names no model", fixture: "cpuinfo-arm64", want: ""},
		{name: "Raspberry Pi board model", fixture: "cpuinfo-raspberry-pi", want: "Raspberry Pi 4 Model B Rev 1.4"},
		{name: "POWER cpu line", fixture: "cpuinfo-power9", want: "POWER9 (architected), altivec supported"},
		{name: "first processor wins, spaces collapsed", text: "processor\t: 0\nmodel name\t: Intel(R) Core(TM)  i7-1260P\n\nprocessor\t: 1\nmodel name\t: Intel(R) Atom(TM)\n", want: "Intel(R) Core(TM) i7-1260P"},
		{name: "model name beats Model", text: "Model\t: Board X\nmodel name\t: ARMv7 Processor rev 4 (v7l)\n", want: "ARMv7 Processor rev 4 (v7l)"},
		{name: "empty value is skipped", text: "model name\t:\ncpu model\t: MIPS 24Kc V7.4\n", want: "MIPS 24Kc V7.4"},
		{name: "empty file", text: "", want: ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			text := procText(t, c.fixture, c.text)
			if got := parseCPUModel(text); got != c.want {
				t.Errorf("parseCPUModel = %q, want %q", got, c.want)
			}
		})
	}
}

func TestParseMemTotal(t *testing.T) {
	for _, c := range []struct {
		name, fixture, text string
		want                int64
		wantOK              bool
	}{
		{name: "Linux meminfo", fixture: "meminfo-linux", want: 24683784 << 10, wantOK: true},
		{name: "not the first line", text: "MemFree:  10 kB\nMemTotal:  2048 kB\n", want: 2 << 20, wantOK: true},
		{name: "no unit is bytes", text: "MemTotal: 4096\n", want: 4096, wantOK: true},
		{name: "missing", text: "MemFree:  10 kB\n", wantOK: false},
		{name: "not a number", text: "MemTotal: lots kB\n", wantOK: false},
		{name: "no value", text: "MemTotal:\n", wantOK: false},
		{name: "key must match whole", text: "MemTotalX: 1 kB\n", wantOK: false},
	} {
		t.Run(c.name, func(t *testing.T) {
			text := procText(t, c.fixture, c.text)
			got, ok := parseMemTotal(text)
			if got != c.want || ok != c.wantOK {
				t.Errorf("parseMemTotal = %d, %v; want %d, %v", got, ok, c.want, c.wantOK)
			}
		})
	}
}

func TestParseLoadAvg(t *testing.T) {
	for _, c := range []struct {
		name, text, want string
		wantOK           bool
	}{
		{"Linux loadavg", "10.43 6.86 3.48 17/202 25549\n", "10.43 / 6.86 / 3.48", true},
		{"idle", "0.00 0.01 0.05 1/80 123", "0.00 / 0.01 / 0.05", true},
		{"too short", "0.5 0.4\n", "", false},
		{"not numbers", "a b c d e\n", "", false},
		{"empty", "", "", false},
	} {
		t.Run(c.name, func(t *testing.T) {
			got, ok := parseLoadAvg(c.text)
			if got != c.want || ok != c.wantOK {
				t.Errorf("parseLoadAvg(%q) = %q, %v; want %q, %v", c.text, got, ok, c.want, c.wantOK)
			}
		})
	}
}

func TestMachineDescribe(t *testing.T) {
	for _, c := range []struct {
		name string
		m    machine
		want string
	}{
		{"everything known", machine{cpus: 2, model: "AMD EPYC", memTotal: 8 << 30, loadBefore: "0.50 / 0.40 / 0.30", loadAfter: "1.50 / 0.60 / 0.35"},
			"2 CPUs (AMD EPYC), 8.0 GB memory; load average 0.50 / 0.40 / 0.30 before, 1.50 / 0.60 / 0.35 after the run"},
		{"nothing from /proc", machine{cpus: 1, loadBefore: "n/a", loadAfter: "n/a"},
			"1 CPU (" + runtime.GOARCH + ", model unknown), memory unknown; load average n/a before, n/a after the run"},
		{"not finished", machine{cpus: 4, model: "X", memTotal: 1 << 30, loadBefore: "1 / 1 / 1"},
			"4 CPUs (X), 1.0 GB memory; load average 1 / 1 / 1 before"},
	} {
		t.Run(c.name, func(t *testing.T) {
			if got := c.m.describe("the run"); got != c.want {
				t.Errorf("describe = %q, want %q", got, c.want)
			}
		})
	}
}

func TestStartMachine(t *testing.T) {
	m := startMachine()
	if m.cpus < 1 || m.loadBefore == "" || m.loadAfter != "" {
		t.Fatalf("startMachine = %+v", m)
	}
	m.finish()
	if d := m.describe("the test"); !strings.Contains(d, "after the test") {
		t.Errorf("describe after finish = %q", d)
	}
}
