package checks

import (
	"errors"
	"fmt"
	"net"
	"net/url"
	"strconv"
	"strings"
	"unicode"

	"golang.org/x/net/idna"
	"golang.org/x/text/unicode/norm"
)

// DefaultPort is where SSL VPN gateways listen.
const DefaultPort = 443

// InputError is a target a person typed that cannot be a server address. Its
// message is one plain English sentence meant to be shown as is; Kind and
// Value let a user interface say the same in another language.
type InputError struct {
	Kind  InputProblem
	Value string // the part of the input at fault (a port, a character...)
	Msg   string
}

func (e *InputError) Error() string { return e.Msg }

// InputProblem says what is wrong with a typed address.
type InputProblem string

// What can be wrong with a typed address.
const (
	InputEmpty       InputProblem = "empty"        // nothing typed
	InputSpace       InputProblem = "space"        // a space inside
	InputControl     InputProblem = "control"      // a control character
	InputScheme      InputProblem = "scheme"       // ftp://, ssh://...
	InputNoHost      InputProblem = "no_host"      // a URL or port with no name
	InputPortRange   InputProblem = "port_range"   // 0 or over 65535
	InputPortNumber  InputProblem = "port_number"  // not digits
	InputPortMissing InputProblem = "port_missing" // "host:"
	InputIPv6        InputProblem = "ipv6"         // a malformed IPv6 address
	InputCharacter   InputProblem = "character"    // a character names cannot hold
	InputLabel       InputProblem = "label"        // an empty, too long or hyphenated part
	InputTooLong     InputProblem = "too_long"     // over 253 characters
	InputName        InputProblem = "name"         // not a valid name or IP address
)

func badInput(kind InputProblem, value, format string, args ...any) error {
	return &InputError{Kind: kind, Value: value, Msg: fmt.Sprintf(format, args...)}
}

// IsInputError reports whether err is about what the user typed.
func IsInputError(err error) bool {
	var ie *InputError
	return errors.As(err, &ie)
}

var idnaProfile = idna.New(idna.MapForLookup(), idna.BidiRule(), idna.Transitional(false))

// ParseTarget accepts what a person might paste as a VPN server: host,
// host:port, https://host[:port]/path, [ipv6]:port, bare IPv6, or an
// internationalised name, with surrounding spaces. The port defaults to 443.
func ParseTarget(input string) (Target, error) {
	// Full-width forms (a Japanese IME types "：" and "４４３") become ASCII.
	s := strings.TrimFunc(norm.NFKC.String(input), unicode.IsSpace)
	if s == "" {
		return Target{}, badInput(InputEmpty, "", "no server address was given")
	}
	if strings.ContainsFunc(s, unicode.IsSpace) {
		return Target{}, badInput(InputSpace, s, "the address %q contains a space; a server address has none", s)
	}
	if strings.ContainsFunc(s, unicode.IsControl) {
		return Target{}, badInput(InputControl, "", "the address contains a control character")
	}
	clean := s
	hostport := s
	if i := strings.Index(s, "://"); i >= 0 {
		u, err := url.Parse(s)
		if err != nil {
			return Target{}, badInput(InputName, s, "%q is not a valid web address", s)
		}
		switch strings.ToLower(u.Scheme) {
		case "https", "http":
		default:
			return Target{}, badInput(InputScheme, u.Scheme, "%q addresses cannot be checked; give the VPN server's name, e.g. vpn.example.com", u.Scheme)
		}
		if u.User != nil {
			// Never keep a password someone pasted inside a URL.
			u.User = nil
			clean = u.String()
		}
		hostport = u.Host
		if hostport == "" {
			return Target{}, badInput(InputNoHost, s, "the address %q has no server name", s)
		}
	} else if i := strings.IndexAny(s, "/?#"); i >= 0 {
		hostport = s[:i]
	}
	if at := strings.LastIndex(hostport, "@"); at >= 0 {
		hostport = hostport[at+1:]
		clean = hostport
	}
	host, port, err := splitHostPort(hostport)
	if err != nil {
		return Target{}, err
	}
	ascii, err := normaliseHost(host)
	if err != nil {
		return Target{}, err
	}
	return Target{Input: clean, Host: ascii, Port: port, Display: strings.TrimSuffix(host, ".")}, nil
}

func splitHostPort(hp string) (string, int, error) {
	if hp == "" {
		return "", 0, badInput(InputNoHost, "", "no server name was given")
	}
	// A bare IPv6 address has several colons and no brackets.
	if strings.Count(hp, ":") > 1 && !strings.HasPrefix(hp, "[") {
		if ip := net.ParseIP(hp); ip != nil {
			return hp, DefaultPort, nil
		}
		return "", 0, badInput(InputIPv6, hp, "%q is neither a server name nor an IPv6 address (put IPv6 addresses in brackets: [2001:db8::1]:443)", hp)
	}
	if strings.HasPrefix(hp, "[") {
		end := strings.Index(hp, "]")
		if end < 0 {
			return "", 0, badInput(InputIPv6, hp, "the IPv6 address in %q has no closing bracket", hp)
		}
		host, rest := hp[1:end], hp[end+1:]
		if net.ParseIP(host) == nil || !strings.Contains(host, ":") {
			return "", 0, badInput(InputIPv6, host, "%q is not a valid IPv6 address", host)
		}
		if rest == "" {
			return host, DefaultPort, nil
		}
		if !strings.HasPrefix(rest, ":") {
			return "", 0, badInput(InputIPv6, rest, "unexpected text %q after the IPv6 address", rest)
		}
		port, err := parsePort(rest[1:])
		return host, port, err
	}
	host, portText, found := strings.Cut(hp, ":")
	if !found {
		return host, DefaultPort, nil
	}
	if host == "" {
		return "", 0, badInput(InputNoHost, hp, "the address %q has a port but no server name", hp)
	}
	port, err := parsePort(portText)
	return host, port, err
}

func parsePort(s string) (int, error) {
	if s == "" {
		return 0, badInput(InputPortMissing, "", "the port after the colon is missing")
	}
	for _, r := range s {
		if r < '0' || r > '9' {
			return 0, badInput(InputPortNumber, s, "the port %q is not a number", s)
		}
	}
	n, err := strconv.Atoi(s)
	if err != nil || n > 65535 {
		return 0, badInput(InputPortRange, s, "port %s is out of range (1 to 65535)", s)
	}
	if n == 0 {
		return 0, badInput(InputPortRange, "0", "port 0 is out of range (1 to 65535)")
	}
	return n, nil
}

func normaliseHost(host string) (string, error) {
	if ip := net.ParseIP(host); ip != nil {
		return ip.String(), nil
	}
	host = strings.TrimSuffix(host, ".")
	if host == "" {
		return "", badInput(InputNoHost, "", "no server name was given")
	}
	for _, r := range host {
		if r == '_' || strings.ContainsRune("<>\"'`\\{}|^%&*!$()=+,;[]", r) {
			return "", badInput(InputCharacter, string(r), "the character %q cannot be part of a server name", string(r))
		}
	}
	for _, label := range strings.Split(host, ".") {
		if label == "" {
			return "", badInput(InputLabel, host, "%q has an empty part between dots", host)
		}
		if strings.HasPrefix(label, "-") || strings.HasSuffix(label, "-") {
			return "", badInput(InputLabel, label, "part %q of the server name starts or ends with a hyphen", label)
		}
	}
	ascii, err := idnaProfile.ToASCII(strings.ToLower(host))
	if err != nil {
		return "", badInput(InputName, host, "%q is not a valid server name", host)
	}
	if len(ascii) > 253 {
		return "", badInput(InputTooLong, "", "the server name is too long (%d characters; at most 253)", len(ascii))
	}
	for _, label := range strings.Split(ascii, ".") {
		switch {
		case label == "":
			return "", badInput(InputLabel, host, "%q has an empty part between dots", host)
		case len(label) > 63:
			return "", badInput(InputLabel, label, "part %q of the server name is longer than 63 characters", label)
		case strings.HasPrefix(label, "-") || strings.HasSuffix(label, "-"):
			return "", badInput(InputLabel, label, "part %q of the server name starts or ends with a hyphen", label)
		}
		for _, r := range label {
			if !(r == '-' || r >= 'a' && r <= 'z' || r >= '0' && r <= '9') {
				return "", badInput(InputCharacter, string(r), "the character %q cannot be part of a server name", string(r))
			}
		}
	}
	if allDigitsAndDots(ascii) {
		return "", badInput(InputName, host, "%q is not a valid IP address", host)
	}
	return ascii, nil
}

func allDigitsAndDots(s string) bool {
	for _, r := range s {
		if r != '.' && (r < '0' || r > '9') {
			return false
		}
	}
	return true
}

// HostPort is host:port ready to dial.
func (t Target) HostPort() string { return net.JoinHostPort(t.Host, strconv.Itoa(t.Port)) }
