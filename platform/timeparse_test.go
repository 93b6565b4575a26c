package platform

import (
	"errors"
	"reflect"
	"testing"
)

func TestParseTimedatectl(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		want    Timedatectl
		wantErr bool
	}{
		{
			name: "synced",
			in: "Timezone=Asia/Tokyo\nLocalRTC=no\nCanNTP=yes\nNTP=yes\nNTPSynchronized=yes\n" +
				"TimeUSec=Sun 2025-06-01 21:00:00 JST\nRTCTimeUSec=Sun 2025-06-01 21:00:00 JST\n",
			want: Timedatectl{Timezone: "Asia/Tokyo", NTP: SyncOn, Synchronized: "yes"},
		},
		{
			name: "ntp off, not synced",
			in:   "Timezone=Europe/Berlin\nNTP=no\nNTPSynchronized=no\n",
			want: Timedatectl{Timezone: "Europe/Berlin", NTP: SyncOff, Synchronized: "no"},
		},
		{
			name: "truncated after timezone",
			in:   "Timezone=UTC\nLocalRTC=n",
			want: Timedatectl{Timezone: "UTC", NTP: SyncUnknown, Synchronized: "unknown"},
		},
		{
			name: "crlf and odd values",
			in:   "Timezone=Etc/UTC\r\nNTP=maybe\r\nNTPSynchronized=yes\r\n",
			want: Timedatectl{Timezone: "Etc/UTC", NTP: SyncUnknown, Synchronized: "yes"},
		},
		{
			name:    "no systemd",
			in:      "System has not been booted with systemd as init system (PID 1). Can't operate.\n",
			want:    Timedatectl{NTP: SyncUnknown, Synchronized: "unknown"},
			wantErr: true,
		},
		{name: "empty", in: "", want: Timedatectl{NTP: SyncUnknown, Synchronized: "unknown"}, wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseTimedatectl(tt.in)
			if (err != nil) != tt.wantErr {
				t.Fatalf("err = %v, want error %v", err, tt.wantErr)
			}
			if got != tt.want {
				t.Errorf("got %+v, want %+v", got, tt.want)
			}
		})
	}
}

func TestParseTimesyncShow(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"in use", "LinkNTPServers=\nSystemNTPServers=\nFallbackNTPServers=0.debian.pool.ntp.org 1.debian.pool.ntp.org\nServerName=ntp.nict.jp\nServerAddress=133.243.238.163\n", "ntp.nict.jp"},
		{"configured only", "SystemNTPServers=ntp1.corp.example ntp2.corp.example\nServerName=\n", "ntp1.corp.example ntp2.corp.example"},
		{"link wins over system", "LinkNTPServers=10.0.0.1\nSystemNTPServers=ntp.example\n", "10.0.0.1"},
		{"nothing", "FallbackNTPServers=time.cloudflare.com\n", ""},
		{"garbage", "\x00\x01=\n==\n", ""},
	}
	for _, tt := range tests {
		if got := ParseTimesyncShow(tt.in); got != tt.want {
			t.Errorf("%s: got %q, want %q", tt.name, got, tt.want)
		}
	}
}

func TestParseTimesyncdConf(t *testing.T) {
	tests := []struct {
		name         string
		in           string
		ntp, fallbck []string
	}{
		{"default file", "[Time]\n#NTP=\n#FallbackNTP=0.debian.pool.ntp.org\n", nil, nil},
		{"set", "[Time]\nNTP=ntp.nict.jp ntp.jst.mfeed.ad.jp\nFallbackNTP=time.google.com\n", []string{"ntp.nict.jp", "ntp.jst.mfeed.ad.jp"}, []string{"time.google.com"}},
		{"reset by empty", "[Time]\nNTP=a.example\nNTP=\n", []string{}, nil},
		{"other section ignored", "[Other]\nNTP=x.example\n[Time]\nNTP=y.example\n", []string{"y.example"}, nil},
		{"no section", "NTP=x.example\n", nil, nil},
		{"truncated", "[Time]\nNTP=ntp.exa", []string{"ntp.exa"}, nil},
	}
	for _, tt := range tests {
		ntp, fb := ParseTimesyncdConf(tt.in)
		if !reflect.DeepEqual(ntp, tt.ntp) || !reflect.DeepEqual(fb, tt.fallbck) {
			t.Errorf("%s: got %q %q, want %q %q", tt.name, ntp, fb, tt.ntp, tt.fallbck)
		}
	}
}

func TestParseNTPConf(t *testing.T) {
	chrony := `# Use Debian vendor zone.
pool 2.debian.pool.ntp.org iburst
server ntp.nict.jp iburst prefer
! server commented.example
; server commented2.example
sourcedir /run/chrony-dhcp
sourcedir /etc/chrony/sources.d
keyfile /etc/chrony/chrony.keys
driftfile /var/lib/chrony/chrony.drift
`
	got := ParseNTPConf(chrony)
	want := NTPConf{Servers: []string{"2.debian.pool.ntp.org", "ntp.nict.jp"}, Dirs: []string{"/run/chrony-dhcp", "/etc/chrony/sources.d"}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("chrony.conf: got %+v, want %+v", got, want)
	}
	macNTP := "server time.apple.com\n"
	if got := ParseNTPConf(macNTP).Servers; !reflect.DeepEqual(got, []string{"time.apple.com"}) {
		t.Errorf("ntp.conf: got %q", got)
	}
	for _, bad := range []string{"", "server", "\x00\xff\xfe", "pool\n"} {
		if got := ParseNTPConf(bad); len(got.Servers) != 0 {
			t.Errorf("%q: got %+v", bad, got)
		}
	}
}

// Samples of `w32tm /query /status`. The Japanese one is as Japanese
// Windows prints it, decoded from code page 932.
const (
	w32tmEnglish = "Leap Indicator: 0(no warning)\r\n" +
		"Stratum: 4 (secondary reference - syncd by (S)NTP)\r\n" +
		"Precision: -23 (119.209ns per tick)\r\n" +
		"Root Delay: 0.0312500s\r\n" +
		"Root Dispersion: 7.7756000s\r\n" +
		"ReferenceId: 0x14650E2A (source IP:  20.101.57.9)\r\n" +
		"Last Successful Sync Time: 6/1/2025 9:03:12 PM\r\n" +
		"Source: time.windows.com,0x9\r\n" +
		"Poll Interval: 10 (1024s)\r\n"
	w32tmJapanese = "閏インジケーター: 0 (警告なし)\r\n" +
		"階層: 4 (二次参照 - (S)NTP で同期)\r\n" +
		"精度: -23 (ティックごとに 119.209ns)\r\n" +
		"ルート遅延: 0.0312500s\r\n" +
		"ルート分散: 7.7756000s\r\n" +
		"参照 ID: 0x14650E2A (ソース IP:  20.101.57.9)\r\n" +
		"最終正常同期時刻: 2025/06/01 21:03:12\r\n" +
		"ソース: time.windows.com,0x9\r\n" +
		"ポーリング間隔: 10 (1024s)\r\n"
	w32tmGerman = "Sprungindikator: 0(keine Warnung)\n" +
		"Stratum: 3 (Sekundärreferenz - synchr. über (S)NTP)\n" +
		"Genauigkeit: -23 (119.209ns pro Tick)\n" +
		"Stammverzögerung: 0.0312500s\n" +
		"Stammabweichung: 7.7756000s\n" +
		"Referenz-ID: 0x14650E2A (Quell-IP:  20.101.57.9)\n" +
		"Letzte erfolgr. Synchronisierungszeit: 01.06.2025 21:03:12\n" +
		"Zeitquelle: dc01.corp.example.com\n" +
		"Abrufintervall: 10 (1024s)\n"
	w32tmLocalJapanese = "閏インジケーター: 3 (最後の 1 分に 61 秒)\r\n" +
		"階層: 0 (指定なし)\r\n" +
		"精度: -23 (ティックごとに 119.209ns)\r\n" +
		"ルート遅延: 0.0000000s\r\n" +
		"ルート分散: 0.0000000s\r\n" +
		"参照 ID: 0x00000000 (指定なし)\r\n" +
		"最終正常同期時刻: 指定なし\r\n" +
		"ソース: Local CMOS Clock\r\n" +
		"ポーリング間隔: 10 (1024s)\r\n"
	w32tmStoppedEnglish  = "The following error occurred: The service has not been started. (0x80070426)\r\n"
	w32tmStoppedJapanese = "次のエラーが発生しました: サービスは開始されていません。 (0x80070426)\r\n"
)

func TestParseW32tmStatus(t *testing.T) {
	tests := []struct {
		name     string
		in       string
		want     W32tmStatus
		wantCode string // W32tmError code, "" for none
		wantErr  bool
	}{
		{name: "english", in: w32tmEnglish, want: W32tmStatus{Source: "time.windows.com", Stratum: 4, LastSync: "6/1/2025 9:03:12 PM"}},
		{name: "japanese", in: w32tmJapanese, want: W32tmStatus{Source: "time.windows.com", Stratum: 4, LastSync: "2025/06/01 21:03:12"}},
		{name: "japanese full-width colons", in: "階層： 2 (二次参照)\nソース： ntp.nict.jp,0x8\n", want: W32tmStatus{Source: "ntp.nict.jp", Stratum: 2}},
		{name: "japanese with BOM", in: "\ufeff" + w32tmJapanese, want: W32tmStatus{Source: "time.windows.com", Stratum: 4, LastSync: "2025/06/01 21:03:12"}},
		{name: "japanese local clock", in: w32tmLocalJapanese, want: W32tmStatus{Source: "Local CMOS Clock", Local: true, Stratum: 0, LastSync: "指定なし"}},
		{name: "unknown language by position", in: w32tmGerman, want: W32tmStatus{Source: "dc01.corp.example.com", Stratum: 3}},
		{name: "free-running", in: "Stratum: 1\nSource: Free-running System Clock\n", want: W32tmStatus{Source: "Free-running System Clock", Local: true, Stratum: 1}},
		{name: "service stopped english", in: w32tmStoppedEnglish, want: W32tmStatus{Stratum: -1}, wantCode: W32TimeNotRunning, wantErr: true},
		{name: "service stopped japanese", in: w32tmStoppedJapanese, want: W32tmStatus{Stratum: -1}, wantCode: W32TimeNotRunning, wantErr: true},
		{name: "truncated before source", in: w32tmJapanese[:len(w32tmJapanese)/2], want: W32tmStatus{Stratum: 4}, wantErr: true},
		{name: "mojibake (Shift_JIS read as bytes)", in: "\x83\x5c\x81\x5b\x83\x58: time.windows.com,0x9\n", want: W32tmStatus{Stratum: -1}, wantErr: true},
		{name: "empty", in: "", want: W32tmStatus{Stratum: -1}, wantErr: true},
		{name: "UTF-16 read as bytes", in: "S\x00o\x00u\x00r\x00c\x00e\x00:\x00 \x00a\x00.\x00e\x00x\x00\n\x00", want: W32tmStatus{Source: "a.ex", Stratum: -1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseW32tmStatus(tt.in)
			if (err != nil) != tt.wantErr {
				t.Fatalf("err = %v, want error %v", err, tt.wantErr)
			}
			var we *W32tmError
			if tt.wantCode != "" && (!errors.As(err, &we) || we.Code != tt.wantCode) {
				t.Errorf("err = %#v, want W32tmError %s", err, tt.wantCode)
			}
			if got != tt.want {
				t.Errorf("got %+v, want %+v", got, tt.want)
			}
		})
	}
}

func TestParseW32tmSource(t *testing.T) {
	tests := []struct {
		in        string
		source    string
		local, ok bool
	}{
		{"time.windows.com,0x9\r\n", "time.windows.com", false, true},
		{"DC01.corp.example.com\r\n", "DC01.corp.example.com", false, true},
		{"Local CMOS Clock\r\n", "Local CMOS Clock", true, true},
		{"VM IC Time Synchronization Provider\r\n", "VM IC Time Synchronization Provider", false, true},
		{w32tmStoppedJapanese, "", false, false},
		{"", "", false, false},
		{"\r\n\r\n", "", false, false},
	}
	for _, tt := range tests {
		got, err := ParseW32tmSource(tt.in)
		if (err == nil) != tt.ok || got.Source != tt.source || got.Local != tt.local {
			t.Errorf("%q: got %+v, %v", tt.in, got, err)
		}
	}
}

func TestParseW32TimeRegistry(t *testing.T) {
	tests := []struct {
		typ, server string
		sync        string
		servers     []string
	}{
		{"NTP", "time.windows.com,0x9", SyncOn, []string{"time.windows.com"}},
		{"NTP", "ntp.nict.jp,0x8 time.google.com,0x8", SyncOn, []string{"ntp.nict.jp", "time.google.com"}},
		{"NT5DS", "time.windows.com,0x9", SyncOn, []string{"time.windows.com"}},
		{"NoSync", "", SyncOff, nil},
		{"", "", SyncUnknown, nil},
		{"??", ",0x9", SyncUnknown, []string{",0x9"}},
	}
	for _, tt := range tests {
		sync, servers := ParseW32TimeRegistry(tt.typ, tt.server)
		if sync != tt.sync || !reflect.DeepEqual(servers, tt.servers) {
			t.Errorf("%q %q: got %s %q", tt.typ, tt.server, sync, servers)
		}
	}
}

func TestParseSystemsetupNetworkTime(t *testing.T) {
	tests := []struct {
		in, sync, server string
		ok               bool
	}{
		{"Network Time: On\n", SyncOn, "", true},
		{"Network Time: Off\n", SyncOff, "", true},
		{"Network Time Server: time.apple.com\n", SyncUnknown, "time.apple.com", true},
		{"You need administrator access to run this tool... exiting!\n", SyncUnknown, "", false},
		{"", SyncUnknown, "", false},
		{"Network Time", SyncUnknown, "", false},
	}
	for _, tt := range tests {
		sync, server, err := ParseSystemsetupNetworkTime(tt.in)
		if sync != tt.sync || server != tt.server || (err == nil) != tt.ok {
			t.Errorf("%q: got %s %q %v", tt.in, sync, server, err)
		}
	}
}

func TestDecodeToolOutput(t *testing.T) {
	le := func(s string) []byte { return utf16LEWithBOM(s)[2:] }
	tests := []struct {
		name string
		in   []byte
		want string
		ok   bool
	}{
		{"utf-8 japanese", []byte(w32tmJapanese), w32tmJapanese, true},
		{"utf-16le with BOM", utf16LEWithBOM(w32tmJapanese), w32tmJapanese, true},
		{"utf-16le without BOM", le(w32tmJapanese), w32tmJapanese, true},
		{"shift_jis ソース", []byte("\x83\x5c\x81\x5b\x83\x58: time.windows.com,0x9\r\n"), "", false},
		{"empty", nil, "", true},
	}
	for _, tt := range tests {
		got, ok := decodeToolOutput(tt.in)
		if got != tt.want || ok != tt.ok {
			t.Errorf("%s: got %q %v", tt.name, got, ok)
		}
	}
	// The UTF-16 Japanese sample, decoded, parses like the UTF-8 one.
	s, _ := decodeToolOutput(le(w32tmJapanese))
	if st, err := ParseW32tmStatus(s); err != nil || st.Source != "time.windows.com" {
		t.Errorf("utf-16 japanese: %+v, %v", st, err)
	}
}

// Time-server settings as each OS writes them, through to the list the
// engine asks.
func TestTimeServers(t *testing.T) {
	tests := []struct {
		name, in string
		want     []string
	}{
		{"windows w32tm list with flags", "time.windows.com,0x9 time.nist.gov,0x9", []string{"time.windows.com", "time.nist.gov"}},
		{"windows registry, upper-case flags", "ntp.nict.jp,0X8 time.windows.com,0x1", []string{"ntp.nict.jp", "time.windows.com"}},
		{"windows domain hierarchy", "domain hierarchy (NT5DS)", nil},
		{"windows Hyper-V", "VM IC Time Synchronization Provider", nil},
		{"windows CMOS clock", "Local CMOS Clock", nil},
		{"windows free-running", "Free-running System Clock", nil},
		{"windows DC as source", "DC01.corp.example.co.jp", []string{"DC01.corp.example.co.jp"}},
		{"linux timesyncd list", "ntp1.corp.example ntp2.corp.example", []string{"ntp1.corp.example", "ntp2.corp.example"}},
		{"linux chrony pool and address", "2.debian.pool.ntp.org 192.0.2.123", []string{"2.debian.pool.ntp.org", "192.0.2.123"}},
		{"ntp.conf with port", "127.0.0.1:11123", []string{"127.0.0.1:11123"}},
		{"macos systemsetup", "time.apple.com", []string{"time.apple.com"}},
		{"macos comma list", "time.asia.apple.com, time.apple.com.", []string{"time.asia.apple.com", "time.apple.com"}},
		{"repeats", "a.example a.example A.EXAMPLE", []string{"a.example"}},
		{"garbage", "\x00 ::: (x) ;;", nil},
		{"empty", "", nil},
	}
	for _, tt := range tests {
		if got := TimeServers(tt.in); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("%s: TimeServers(%q) = %q, want %q", tt.name, tt.in, got, tt.want)
		}
	}
}

func TestNT5DSServers(t *testing.T) {
	tests := []struct {
		logon, domain string
		want          []string
	}{
		{`\\DC01`, "CORP.EXAMPLE.CO.JP", []string{"dc01.corp.example.co.jp", "corp.example.co.jp"}},
		{"", "corp.example", []string{"corp.example"}},
		{`\\DC01`, "", nil},
		{"", "", nil},
	}
	for _, tt := range tests {
		if got := NT5DSServers(tt.logon, tt.domain); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("NT5DSServers(%q, %q) = %q, want %q", tt.logon, tt.domain, got, tt.want)
		}
	}
}
