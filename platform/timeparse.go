package platform

import (
	"bufio"
	"errors"
	"fmt"
	"net"
	"strconv"
	"strings"

	"github.com/vpndoctor/vpndoctor/internal/lazyre"
)

// Timedatectl is what `timedatectl show` tells.
type Timedatectl struct {
	Timezone string
	// NTP is SyncOn when systemd is told to keep the clock synced.
	NTP string
	// Synchronized is "yes", "no" or "unknown".
	Synchronized string
}

// ParseTimedatectl reads the key=value output of `timedatectl show`.
func ParseTimedatectl(out string) (Timedatectl, error) {
	kv := parseKeyValues(out)
	t := Timedatectl{Timezone: kv["Timezone"], NTP: SyncUnknown, Synchronized: "unknown"}
	switch kv["NTP"] {
	case "yes":
		t.NTP = SyncOn
	case "no":
		t.NTP = SyncOff
	}
	switch kv["NTPSynchronized"] {
	case "yes", "no":
		t.Synchronized = kv["NTPSynchronized"]
	}
	if t.Timezone == "" && t.NTP == SyncUnknown && t.Synchronized == "unknown" {
		return t, errors.New("timedatectl: no Timezone, NTP or NTPSynchronized in its output")
	}
	return t, nil
}

// ParseTimesyncShow reads `timedatectl show-timesync` and returns the server
// systemd-timesyncd is using now, or else the ones it is configured with.
func ParseTimesyncShow(out string) string {
	kv := parseKeyValues(out)
	if s := kv["ServerName"]; s != "" {
		return s
	}
	for _, k := range []string{"LinkNTPServers", "SystemNTPServers"} {
		if f := strings.Fields(kv[k]); len(f) > 0 {
			return strings.Join(f, " ")
		}
	}
	return ""
}

// parseKeyValues reads KEY=VALUE lines; later keys win, other lines are
// ignored.
func parseKeyValues(out string) map[string]string {
	kv := map[string]string{}
	sc := bufio.NewScanner(strings.NewReader(out))
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		k, v, ok := strings.Cut(sc.Text(), "=")
		if !ok {
			continue
		}
		kv[strings.TrimSpace(k)] = strings.TrimSpace(v)
	}
	return kv
}

// ParseTimesyncdConf reads a timesyncd.conf (or a drop-in) and returns the
// NTP= and FallbackNTP= servers of its [Time] section. As in systemd, an
// empty assignment resets the list; nil means the file does not set it.
func ParseTimesyncdConf(text string) (ntp, fallback []string) {
	section := ""
	for _, line := range strings.Split(text, "\n") {
		line = strings.TrimSpace(line)
		if line == "" || line[0] == '#' || line[0] == ';' {
			continue
		}
		if strings.HasPrefix(line, "[") {
			section = strings.Trim(line, "[] ")
			continue
		}
		k, v, ok := strings.Cut(line, "=")
		if !ok || section != "Time" {
			continue
		}
		servers := append([]string{}, strings.Fields(v)...)
		switch strings.TrimSpace(k) {
		case "NTP":
			ntp = servers
		case "FallbackNTP":
			fallback = servers
		}
	}
	return ntp, fallback
}

// NTPConf is what a chrony.conf or ntp.conf names.
type NTPConf struct {
	Servers []string
	// Dirs are sourcedir/confdir directories whose files hold more sources.
	Dirs []string
}

// ParseNTPConf reads chrony.conf, a chrony .sources file or ntp.conf: the
// server, pool and peer lines, and chrony's sourcedir/confdir.
func ParseNTPConf(text string) NTPConf {
	var c NTPConf
	for _, line := range strings.Split(text, "\n") {
		f := strings.Fields(line)
		if len(f) < 2 || strings.ContainsAny(f[0][:1], "#!;%") {
			continue
		}
		switch strings.ToLower(f[0]) {
		case "server", "pool", "peer":
			c.Servers = append(c.Servers, f[1])
		case "sourcedir", "confdir":
			c.Dirs = append(c.Dirs, f[1:]...)
		}
	}
	return c
}

// W32tmStatus is what `w32tm /query /status` (or /source) tells.
type W32tmStatus struct {
	// Source is the source as printed, flags removed ("time.windows.com").
	Source string
	// Local is set when Windows keeps time by its own clock ("Local CMOS
	// Clock", "Free-running System Clock"): no time server is in use.
	Local    bool
	Stratum  int    // -1 when not read
	LastSync string // as printed: its date format follows the locale
}

// w32tm labels in the languages we have seen. The values (host names,
// "Local CMOS Clock") are not translated, the labels are.
var (
	w32tmSourceLabels   = []string{"source", "ソース", "quelle", "fuente", "origine", "来源", "源"}
	w32tmStratumLabels  = []string{"stratum", "階層", "層", "schicht"}
	w32tmLastSyncLabels = []string{"last successful sync time", "最終正常同期時刻", "最終同期時刻"}
	hresultPattern      = lazyre.New(`\(0x[0-9A-Fa-f]{8}\)`)
	w32tmSourceShape    = lazyre.New(`^[A-Za-z0-9._\-\[\]:]+(,0x[0-9A-Fa-f]+)?$`)
)

// W32tmError is w32tm's report that it could not answer. Code is the
// HRESULT, the same in every language; 0x80070426 means the Windows Time
// service is not running.
type W32tmError struct {
	Code string
	Text string
}

func (e *W32tmError) Error() string { return "w32tm: " + e.Text }

// W32TimeNotRunning is the HRESULT w32tm prints when the service is stopped.
const W32TimeNotRunning = "0x80070426"

// ParseW32tmStatus reads `w32tm /query /status` in English, Japanese and,
// by the line's position, other languages. The labels are matched after
// the first colon (ASCII or full-width).
func ParseW32tmStatus(out string) (W32tmStatus, error) {
	st := W32tmStatus{Stratum: -1}
	text := cleanToolText(out)
	if err := w32tmFailure(text); err != nil {
		return st, err
	}
	var values []string
	for _, line := range strings.Split(text, "\n") {
		label, value, ok := cutLabel(line)
		if !ok {
			continue
		}
		values = append(values, value)
		switch {
		case hasLabel(label, w32tmSourceLabels) && st.Source == "":
			st.Source, st.Local = w32tmSource(value)
		case hasLabel(label, w32tmStratumLabels) && st.Stratum < 0:
			if f := strings.Fields(value); len(f) > 0 {
				if n, err := strconv.Atoi(f[0]); err == nil {
					st.Stratum = n
				}
			}
		case hasLabel(label, w32tmLastSyncLabels):
			st.LastSync = value
		}
	}
	// An unknown language: Source is the eighth line of the fixed layout.
	if st.Source == "" && len(values) >= 8 {
		if v := values[7]; w32tmSourceShape.MatchString(v) || strings.Contains(v, "Clock") {
			st.Source, st.Local = w32tmSource(v)
		}
	}
	if st.Source == "" {
		return st, errors.New("w32tm: no Source line in its output")
	}
	return st, nil
}

// ParseW32tmSource reads `w32tm /query /source`: one line naming the source.
func ParseW32tmSource(out string) (W32tmStatus, error) {
	st := W32tmStatus{Stratum: -1}
	text := cleanToolText(out)
	if err := w32tmFailure(text); err != nil {
		return st, err
	}
	line := firstLine(text)
	if line == "" {
		return st, errors.New("w32tm: empty output")
	}
	st.Source, st.Local = w32tmSource(line)
	return st, nil
}

func w32tmFailure(text string) error {
	if code := hresultPattern.FindString(text); code != "" {
		return &W32tmError{Code: strings.ToLower(strings.Trim(code, "()")), Text: firstLine(text)}
	}
	return nil
}

// w32tmSource removes the ",0x9" mode flags and says whether the source is
// the computer's own clock.
func w32tmSource(v string) (string, bool) {
	v = strings.TrimSpace(v)
	if i := strings.Index(v, ",0x"); i > 0 {
		v = v[:i]
	}
	local := strings.Contains(v, "CMOS") || strings.Contains(v, "Free-running") ||
		strings.Contains(v, "ローカル")
	return v, local
}

// cutLabel splits "Label: value" at the first ASCII or full-width colon.
func cutLabel(line string) (label, value string, ok bool) {
	i := strings.IndexAny(line, ":：")
	if i < 0 {
		return "", "", false
	}
	label = strings.TrimSpace(line[:i])
	rest := line[i:]
	if strings.HasPrefix(rest, "：") {
		rest = rest[len("："):]
	} else {
		rest = rest[1:]
	}
	return label, strings.TrimSpace(rest), label != ""
}

func hasLabel(label string, names []string) bool {
	l := strings.ToLower(label)
	for _, n := range names {
		if l == n {
			return true
		}
	}
	return false
}

// cleanToolText drops a byte-order mark, carriage returns and NUL bytes
// (UTF-16 output read as bytes).
func cleanToolText(s string) string {
	s = strings.TrimPrefix(s, "\ufeff")
	s = strings.ReplaceAll(s, "\r", "")
	return strings.ReplaceAll(s, "\x00", "")
}

// ParseW32TimeRegistry reads the W32Time\Parameters values Type and
// NtpServer ("time.windows.com,0x9 pool.ntp.org,0x8").
func ParseW32TimeRegistry(typ, ntpServer string) (sync string, servers []string) {
	for _, s := range strings.Fields(ntpServer) {
		if v, _ := w32tmSource(s); v != "" {
			servers = append(servers, v)
		}
	}
	switch strings.ToUpper(strings.TrimSpace(typ)) {
	case "NOSYNC":
		return SyncOff, servers
	case "NTP", "NT5DS", "ALLSYNC":
		return SyncOn, servers
	}
	return SyncUnknown, servers
}

// ParseSystemsetupNetworkTime reads macOS `systemsetup -getusingnetworktime`
// ("Network Time: On") or `-getnetworktimeserver` ("Network Time Server:
// time.apple.com"). systemsetup refuses without administrator rights; that
// is an error.
func ParseSystemsetupNetworkTime(out string) (sync, server string, err error) {
	sync = SyncUnknown
	for _, line := range strings.Split(cleanToolText(out), "\n") {
		label, value, ok := cutLabel(line)
		if !ok {
			continue
		}
		switch strings.ToLower(label) {
		case "network time":
			switch strings.ToLower(value) {
			case "on":
				sync = SyncOn
			case "off":
				sync = SyncOff
			}
		case "network time server":
			server = value
		}
	}
	if sync == SyncUnknown && server == "" {
		if l := firstLine(out); l != "" {
			return sync, "", fmt.Errorf("systemsetup: %s", l)
		}
		return sync, "", errors.New("systemsetup: empty output")
	}
	return sync, server, nil
}

// TimeServers turns a time-server setting, as any of the OSes writes it,
// into the servers to ask (host or host:port):
//
//   - Windows: W32Time's NtpServer and w32tm's Source, "time.windows.com,0x9
//     time.nist.gov,0x9" (flags dropped); "Local CMOS Clock", "Free-running
//     System Clock", "VM IC Time Synchronization Provider" and "domain
//     hierarchy (NT5DS)" name no server (see NT5DSServers for the last);
//   - Linux: timedatectl show-timesync and timesyncd.conf lists
//     ("ntp1.example ntp2.example"), chrony/ntp.conf server and pool names;
//   - macOS: /etc/ntp.conf and systemsetup ("time.apple.com", or several
//     separated by commas).
//
// Repeats are dropped; order is kept, the first being the one in use.
func TimeServers(setting string) []string {
	var out []string
	seen := map[string]bool{}
	for _, f := range strings.FieldsFunc(setting, func(r rune) bool { return r == ' ' || r == '\t' || r == '\n' || r == ',' || r == ';' }) {
		if strings.HasPrefix(strings.ToLower(f), "0x") { // a W32Time flag after the comma
			continue
		}
		host := strings.TrimSuffix(f, ".")
		if !isTimeHost(host) {
			continue
		}
		if k := strings.ToLower(host); !seen[k] {
			seen[k] = true
			out = append(out, host)
		}
	}
	return out
}

// timeNameShape is a DNS name with a dot, or an IPv4 address, with an
// optional port: words such as "hierarchy" or "(NT5DS)" fail it.
var timeNameShape = lazyre.New(`^[A-Za-z0-9_][A-Za-z0-9_\-]*(\.[A-Za-z0-9_\-]+)+(:[0-9]{1,5})?$`)

func isTimeHost(s string) bool {
	if net.ParseIP(s) != nil {
		return true
	}
	if h, _, err := net.SplitHostPort(s); err == nil && strings.HasPrefix(s, "[") {
		return net.ParseIP(h) != nil
	}
	return timeNameShape.MatchString(s)
}

// NT5DSServers are the servers a domain member syncs with under "domain
// hierarchy": its logon server (%LOGONSERVER%, "\\DC01") and the domain
// itself (%USERDNSDOMAIN%), whose name resolves to every domain controller.
// Before the VPN is up they are often out of reach; the public servers
// asked beside them then decide.
func NT5DSServers(logonServer, dnsDomain string) []string {
	var out []string
	dc := strings.TrimLeft(strings.TrimSpace(logonServer), `\`)
	domain := strings.ToLower(strings.Trim(strings.TrimSpace(dnsDomain), "."))
	if dc != "" && domain != "" {
		out = append(out, strings.ToLower(dc)+"."+domain)
	}
	if strings.Contains(domain, ".") {
		out = append(out, domain)
	}
	return out
}
