#!/usr/bin/env bash
# Deletes the protective lines around the engine (issue 16, items 1-3 and
# 5: where the fetch policy is applied, the sanitizer at each rendering,
# the crash guards and exit codes) one at a time and checks that a focused
# test notices. scripts/guard-deletion.sh does the same for the engine's
# guards; gremlins (scripts/mutation.sh) mutates the engine's operators.
# Works on a copy of the module, so the tree is never left edited.
#
#   scripts/protect-deletion.sh            # every line below
#   ONLY=sanitize scripts/protect-deletion.sh   # the rows whose test package or file matches
set -uo pipefail
cd "$(dirname "$0")/.."

# One row a line: package | tests to run (-run) | file => line as written =>
# what it becomes. Literal text, no escaping; \n in "from"/"to" is a newline.
# Lines that guard together (each alone is enough) are deleted in one row:
# "a &&& b => a' &&& b'".
rows=$(cat <<'LIST'
./checks | FetchPolicyRefusesLoopback | checks/runner.go => 	r.setGateway(conn) => 	_ = conn
./checks | FetchPolicyRefusesLoopback|OneCRLAtATime|FetchBudget | checks/runner.go => rep.RefusedFetches = r.policy().Refused() => _ = r.policy().Refused()
./checks | FetchPolicy|OversizedAIA|Refus | checks/chain.go => 	r.refuseExtra(c.IssuingCertificateURL) // => 	// r.refuseExtra
./checks | AddressesNotAsked | checks/revocation.go => 		r.refuseExtra(cert.OCSPServer) => 		// r.refuseExtra(cert.OCSPServer)
./checks | AddressesNotAsked | checks/revocation.go => 		r.refuseExtra(cert.CRLDistributionPoints) => 		// r.refuseExtra(cert.CRLDistributionPoints)
./checks | DeviceCertificateRevocation|SystemDeviceCertificateRevoked | checks/device_revocation.go => 	j.r.refuseExtra(c.OCSPServer) => 	// j.r.refuseExtra(c.OCSPServer)
./checks | DeviceCertificateRevocation|SystemDeviceCertificateRevoked | checks/device_revocation.go => 	j.r.refuseExtra(c.CRLDistributionPoints) => 	// j.r.refuseExtra(c.CRLDistributionPoints)
./checks | Fetch|OneCRLAtATime | checks/fetch.go => 	if err := pol.checkURL(u); err != nil { => 	if err := pol.checkURL(u); false && err != nil {
./checks | Fetch|OneCRLAtATime | checks/fetch.go => 			defer func() { <-pol.bigSlot }() => 			defer func() {}()
./checks | Fetch|OneCRLAtATime | checks/fetch.go => 	pol.spend(int64(len(data))) => 	_ = data
./checks | Fetch|OneCRLAtATime | checks/fetch.go => 	} else if left < limit { => 	} else if false {
./checks | Fetch|OneCRLAtATime|Oversized | checks/fetch.go => 		if errors.As(err, &refused) {\n			return nil, r.refuse(refused) => 		if false && errors.As(err, &refused) {\n			return nil, r.refuse(refused)
./checks | Fetch|OneCRLAtATime | checks/fetch.go => 		r.policy().record(RefusedFetch{URL: refused.URL, Reason: refused.Reason}) => 		_ = refused
./checks | Fetch|OneCRLAtATime|Refus|AddressesNotAsked | checks/fetch.go => 			r.policy().record(RefusedFetch{URL: u, Reason: "only http addresses are fetched"}) => 
./checks | Fetch|OneCRLAtATime|Refus | checks/fetch.go => 			r.policy().record(RefusedFetch{URL: u, Reason: fmt.Sprintf("at most %d addresses of one kind are fetched per certificate", maxURLsPerCert)}) => 
./checks | Fetch|OneCRLAtATime|Refus | checks/fetch.go => 		if len(out) == maxURLsPerCert { => 		if false {
./checks | Fetch|OneCRLAtATime | checks/fetchpolicy.go => 		return p.checkURL(req.URL.String()) => 		return nil
./checks | Fetch|OneCRLAtATime | checks/fetchpolicy.go => 		return p.checkURL(req.URL.String()) &&& 	if err := t.p.checkURL(raw); err != nil { => 		return nil &&& 	if err := t.p.checkURL(raw); false && err != nil {
./checks | Fetch|OneCRLAtATime | checks/fetchpolicy.go => 		t.DialContext = p.dialer(inner) => 		_ = inner
./checks | Fetch|OneCRLAtATime | checks/fetchpolicy.go => 	if err := t.p.checkURL(raw); err != nil { => 	if err := t.p.checkURL(raw); false && err != nil {
./checks | Fetch|OneCRLAtATime | checks/fetchpolicy.go => 		if yes, reason := p.allowed(ip); yes { => 		if _, reason := p.allowed(ip); true {
./checks | Fetch|OneCRLAtATime | checks/fetchpolicy.go => 			if err := p.checkDialled(conn); err != nil { => 			if err := p.checkDialled(conn); false && err != nil {
./checks | Fetch|OneCRLAtATime | checks/fetchpolicy.go => 		if ft.host != host { => 		if ft.host != host && false {
./checks | Fetch|OneCRLAtATime | checks/fetchpolicy.go => 			return nil, &FetchRefusedError{URL: addr, Reason: "the address was not checked"} => 			return inner(ctx, network, addr)
./checks/report | . | checks/report/sanitize.go => 		out[Visible(k)] = Visible(v) => 		out[Visible(k)] = v
./checks | SignInPageTheGatewayNamesFollowsTheFetchPolicy | checks/endpoints.go => r.checkEndpoints(ctx, sh, r.gateNamed(ctx, ts)) => r.checkEndpoints(ctx, sh, ts)
./checks | SignInPageTheGatewayNamesFollowsTheFetchPolicy | checks/endpoints.go => 			_ = r.refuse(err)\n			continue => 			continue
./checks | SignInPageIsNotRebound | checks/endpoints.go => 				t.addrs = append(t.addrs, ip.String()) => 				_ = ip
./checks | NTPAnswerThatPanicked|FuzzNTPAnswer | checks/clock.go => 	resp, err := queryNTP(server, => 	resp, err := ntp.QueryWithOptions(server,
./cmd/vpndoctor | DNSFailureNamesTheServerAsked | checks/network.go => 	err = r.namedResolver(err) => 	_ = r.namedResolver
./checks | StapledErrorWording | checks/revocation.go => sourceAt(a.source, a.url), a.err) => a.source+" "+a.url, a.err)
./checks | OversizedCertificateMessage|OversizedMessage | checks/probe.go => 	if n, ok := oversizedMessage(hs.err); ok { => 	if n, ok := oversizedMessage(hs.err); false && ok {
./checks/report | . | checks/report/text.go => 	for _, r := range rep.RefusedFetches { => 	for _, r := range rep.RefusedFetches[:0] {
./checks/report | . | checks/report/html.go => 	for _, r := range rep.RefusedFetches { => 	for _, r := range rep.RefusedFetches[:0] {
./checks/report | . | checks/report/text.go => 	rep, v = Sanitize(rep), SanitizeView(v) => 	rep, v = rep, SanitizeView(v)
./checks/report | . | checks/report/text.go => 	rep, v = Sanitize(rep), SanitizeView(v) => 	rep, v = Sanitize(rep), v
./checks/report | . | checks/report/files.go => 	rep, v = Sanitize(rep), SanitizeView(v) => 	rep, v = rep, SanitizeView(v)
./checks/report | . | checks/report/files.go => 	rep, v = Sanitize(rep), SanitizeView(v) => 	rep, v = Sanitize(rep), v
./checks/report | . | checks/report/html.go => 	rep, v = Sanitize(rep), SanitizeView(v) => 	rep, v = rep, SanitizeView(v)
./checks/report | . | checks/report/html.go => 	rep, v = Sanitize(rep), SanitizeView(v) => 	rep, v = Sanitize(rep), v
./checks/report | . | checks/report/files.go => 	_, err := w.Write(escapeJSON(buf.Bytes())) => 	_, err := w.Write(buf.Bytes())
./checks/report | . | checks/report/text.go => 	f = visibleValue(reflect.ValueOf(f)).Interface().(checks.Finding) => 	_ = reflect.ValueOf
./checks/report | . | checks/report/sanitize.go => var keptFields = map[string]bool{"PEM": true} => var keptFields = map[string]bool{}
./checks/report | . | checks/report/sanitize.go => 	timeEvidence(&r) => 	_ = timeEvidence
./checks/report | . | checks/report/sanitize.go => 	v.Support = visibleMap(v.Support) => 	_ = visibleMap
./checks/report | . | checks/report/sanitize.go => 	v.Facts = visibleMap(v.Facts) => 	_ = v.Facts
./checks/report | . | checks/report/sanitize.go => 		out[Visible(k)] = Visible(v) => 		out[k] = Visible(v)
./checks/report | . | checks/report/sanitize.go => 			out.SetMapIndex(visibleValue(iter.Key()), visibleValue(iter.Value())) => 			out.SetMapIndex(iter.Key(), visibleValue(iter.Value()))
./checks/report | . | checks/report/sanitize.go => 			out.SetMapIndex(visibleValue(iter.Key()), visibleValue(iter.Value())) => 			out.SetMapIndex(visibleValue(iter.Key()), iter.Value())
./checks/report | . | checks/report/sanitize.go => 			out.Index(i).Set(visibleValue(v.Index(i))) => 			out.Index(i).Set(v.Index(i))
./checks/report | . | checks/report/sanitize.go => 	case r < 0x20, r == 0x7f, r >= 0x80 && r <= 0x9f: // C0, DEL, C1 => 	case r < 0x20, r == 0x7f: // C0, DEL, C1
./checks/report | . | checks/report/sanitize.go => 	case r == 0x061c, r == 0x200e, r == 0x200f: => 	case false:
./checks/report | . | checks/report/sanitize.go => 	case r >= 0x202a && r <= 0x202e: => 	case false:
./checks/report | . | checks/report/sanitize.go => 	case r >= 0x2066 && r <= 0x2069: => 	case false:
./checks/report | . | checks/report/sanitize.go => 	case r >= 0x200b && r <= 0x200d, r == 0x2060, r == 0xfeff: => 	case false:
./checks/report | . | checks/report/sanitize.go => 	case r == 0x2028, r == 0x2029: => 	case false:
./checks/report | . | checks/report/sanitize.go => 	case r >= 0xfff9 && r <= 0xfffb: => 	case false:
./checks/report | . | checks/report/sanitize.go => 		case r == utf8.RuneError && size == 1:\n			fmt.Fprintf(&b, `\x%02x`, s[i]) => 		case false:\n			fmt.Fprintf(&b, `\x%02x`, s[i])
./checks/report | . | checks/report/sanitize.go => 		if r >= 0x7f && hidden(r) { => 		if r >= 0x7f && hidden(r) && r < 0x80 {
./ui | Hostile|ShownVisibly|GatewaysFromProfiles|WindowFirst|Later | ui/checking.go => 	w.report, w.reported = report.Sanitize(rep), run.src => 	w.report, w.reported = rep, run.src; _ = report.Sanitize
./ui | Hostile|ShownVisibly|GatewaysFromProfiles|WindowFirst|Later | ui/wizard.go => 	cfg = visibleConfig(cfg) => 	_ = visibleConfig
./ui | Hostile|ShownVisibly|GatewaysFromProfiles|WindowFirst|Later | ui/later.go => 	more := visibleConfig(Config{ => 	more := (Config{
./ui | Hostile|ShownVisibly|GatewaysFromProfiles|WindowFirst|Later | ui/sanitize.go => Client: report.Visible(g.Client), => Client: g.Client,
./ui | Hostile|ShownVisibly|GatewaysFromProfiles|WindowFirst|Later | ui/sanitize.go => Address: report.Visible(g.Address)} => Address: g.Address}
./ui | Hostile|ShownVisibly|GatewaysFromProfiles|WindowFirst|Later | ui/sanitize.go => 	c.Facts, c.Support = v.Facts, v.Support => 	_ = v
./ui | Hostile|ShownVisibly|GatewaysFromProfiles|WindowFirst|Later | ui/sanitize.go => 		probs[i] = report.Visible(p) => 		probs[i] = p
./cmd/vpndoctor | Crash|NoDisplay|HasDisplay|ReportNotWritable|BadInput|DemoAlone|GLFWPanic|OutputNotWritable | cmd/vpndoctor/crash.go => 	text = pemBlock.ReplaceAllString(text, "[private key removed]") => 	_ = pemBlock
./cmd/vpndoctor | Crash|NoDisplay|HasDisplay|ReportNotWritable|BadInput|DemoAlone|GLFWPanic|OutputNotWritable | cmd/vpndoctor/crash.go => 	text = secretWords.ReplaceAllString(text, "${1}[removed]") => 	_ = secretWords
./cmd/vpndoctor | Crash|NoDisplay|HasDisplay|ReportNotWritable|BadInput|DemoAlone|GLFWPanic|OutputNotWritable | cmd/vpndoctor/crash.go => 	return report.RedactText(text, facts) => 	return report.RedactText(text, nil)
./cmd/vpndoctor | Crash|NoDisplay|HasDisplay|ReportNotWritable|BadInput|DemoAlone|GLFWPanic|OutputNotWritable | cmd/vpndoctor/crash.go => 0o600) => 0o644)
./cmd/vpndoctor | Crash|NoDisplay|HasDisplay|ReportNotWritable|BadInput|DemoAlone|GLFWPanic|OutputNotWritable | cmd/vpndoctor/crash.go => 		exit(exitCrash) => 		exit(1)
./cmd/vpndoctor | Crash|NoDisplay|HasDisplay|ReportNotWritable|BadInput|DemoAlone|GLFWPanic|OutputNotWritable | cmd/vpndoctor/crash.go => 			exit(exitUsage)\n			return => 			exit(exitCrash)\n			return
./cmd/vpndoctor | Crash|NoDisplay|HasDisplay|ReportNotWritable|BadInput|DemoAlone|GLFWPanic|OutputNotWritable | cmd/vpndoctor/main.go => 	defer crash.Guard() => 	defer func() { _ = crash.Guard }()
./cmd/vpndoctor | Crash|NoDisplay|HasDisplay|ReportNotWritable|BadInput|DemoAlone|GLFWPanic|OutputNotWritable | cmd/vpndoctor/main.go => 	installCrashHandler(stderr, exit) => 	_ = installCrashHandler
./cmd/vpndoctor | Crash|GLFWPanic | cmd/vpndoctor/crash.go => 		if !windowOpened.Load() && noDisplayPanic(v) { => 		if false {
./cmd/vpndoctor | Crash|GLFWPanic|End | cmd/vpndoctor/crash.go => 		if !windowOpened.Load() && noDisplayPanic(v) { => 		if noDisplayPanic(v) {
./cmd/vpndoctor | Crash|ShowsEscapes | cmd/vpndoctor/crash.go => report.VisibleLines(fmt.Sprint(v)), stack) => v, stack)
./cmd/vpndoctor | ShowsHostile|ShownVisibly|ShowsEscapes | cmd/vpndoctor/cli.go => 	return report.Visible(msg) => 	return msg
./cmd/vpndoctor | ShowsHostile|ShownVisibly|ShowsEscapes | cmd/vpndoctor/system.go => 	stdout = visibleWriter{stdout} => 	_ = visibleWriter{stdout}
./cmd/vpndoctor | Clients|ShownVisibly | cmd/vpndoctor/clients.go => 	stdout = visibleWriter{stdout} => 	_ = visibleWriter{stdout}
./cmd/vpndoctor | Crash|NoDisplay|HasDisplay|ReportNotWritable|BadInput|DemoAlone|GLFWPanic|OutputNotWritable | cmd/vpndoctor/cli.go => 			return exitIO, fmt.Errorf("write the report: %w", err) => 			return exitUsage, fmt.Errorf("write the report: %w", err)
./cmd/vpndoctor | OutputNotWritable|ReportNotWritable|CheckDemo | cmd/vpndoctor/cli.go => 	} else if err := report.WriteText(stdout, rep, view); err != nil {\n		return exitIO, err => 	} else if err := report.WriteText(stdout, rep, view); err != nil {\n		return exitUsage, err
./cmd/vpndoctor | OutputNotWritable|ReportNotWritable|CheckDemo | cmd/vpndoctor/cli.go => 		if err := report.WriteJSONValue(stdout, rep); err != nil {\n			return exitIO, err => 		if err := report.WriteJSONValue(stdout, rep); err != nil {\n			return exitUsage, err
./cmd/vpndoctor | Crash|NoDisplay|HasDisplay|ReportNotWritable|BadInput|DemoAlone|GLFWPanic|OutputNotWritable|CheckDemo|DemoList|PracticeLabCannotStart | cmd/vpndoctor/cli.go => 		return exitIO, fmt.Errorf("the practice gateways could not start: %w", err) => 		return exitUsage, fmt.Errorf("the practice gateways could not start: %w", err)
./cmd/vpndoctor | Crash|NoDisplay|HasDisplay|ReportNotWritable|BadInput|DemoAlone|GLFWPanic|OutputNotWritable|CheckDemo | cmd/vpndoctor/cli.go => 	if rep.Primary == checks.OK {\n		return exitOK, nil => 	if rep.Primary != "" {\n		return exitOK, nil
./cmd/vpndoctor | Crash|NoDisplay|HasDisplay|ReportNotWritable|BadInput|DemoAlone|GLFWPanic|OutputNotWritable|CheckDemo | cmd/vpndoctor/cli.go => 		if code == exitOK {\n			code = exitUsage => 		if code == exitOK {\n			code = exitProblem
./cmd/vpndoctor | Crash|NoDisplay|HasDisplay|ReportNotWritable|BadInput|DemoAlone|GLFWPanic|OutputNotWritable|CheckDemo | cmd/vpndoctor/gui.go => 	pos, err := parseInterleaved(fs, demoAlone(args)) => 	pos, err := parseInterleaved(fs, args)
./cmd/vpndoctor | Crash|NoDisplay|HasDisplay|ReportNotWritable|BadInput|DemoAlone|GLFWPanic|OutputNotWritable|CheckDemo | cmd/vpndoctor/gui.go => 		fmt.Fprintln(stderr, noDisplayLine) => 		_ = noDisplayLine
LIST
)

skip='^(TestOversizedAIA|TestOversizedCRL|TestSilentServerIsBounded|TestCancelEndsQuickly)$'
killed=0 total=0
work=${WORK:-$(mktemp -d)}
trap '[ -z "${WORK:-}" ] && rm -rf "$work"' EXIT
git ls-files -co --exclude-standard -z | xargs -0 cp --parents -t "$work" 2>/dev/null
cd "$work"
export VPNDOCTOR_MUTATION=1
while IFS= read -r line; do
  [ -n "$line" ] || continue
  pkg=${line%% | *}; rest=${line#* | }
  run=${rest%% | *}; rest=${rest#* | }
  file=${rest%% => *}; rest=${rest#* => }
  from=${rest%% => *}; to=${rest#* => }
  [ "$to" = "$rest" ] && to=""
  if [ -n "${ONLY:-}" ] && [[ "$pkg $file" != *"$ONLY"* ]]; then continue; fi
  cp "$file" "$work/.orig"
  if ! PF="$from" PT="$to" perl -0pi -e 'BEGIN { @f = split / &&& /, $ENV{PF}; @t = split / &&& /, $ENV{PT}; s/\\n/\n/g for @f, @t; $main::n = 0 } for my $i (0..$#f) { $main::n += s/\Q$f[$i]\E/$t[$i]/ } END { $? = 3 unless $main::n == @f }' "$file"; then
    echo "MISSING  $file: $from"
    cp "$work/.orig" "$file"; continue
  fi
  total=$((total + 1))
  start=$SECONDS
  if go test -count=1 -failfast -timeout 300s -skip "$skip" -run "$run" "$pkg" >"$work/.log" 2>&1; then
    echo "LIVED    $file: $from  [-run $run, $((SECONDS - start))s]"
  elif grep -q '\[build failed\]\|^# \|setup failed' "$work/.log"; then
    echo "NO BUILD $file: $from"; sed -n 1,5p "$work/.log"
    total=$((total - 1))
  else
    echo "KILLED   $file: $from  [$(grep -m1 -o -- '--- FAIL: [A-Za-z0-9_/]*' "$work/.log" || grep -m1 'panic\|timed out' "$work/.log"), $((SECONDS - start))s]"
    killed=$((killed + 1))
  fi
  cp "$work/.orig" "$file"
done <<<"$rows"
echo "protective-line deletions: $killed of $total killed"
[ "$killed" -eq "$total" ]
