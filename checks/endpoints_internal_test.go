package checks

import (
	"context"
	"strconv"
	"testing"
	"time"

	"github.com/vpndoctor/vpndoctor/internal/loginlab"
)

// An endpoint learned during the diagnosis (the sign-in address of a
// pre-login answer) is checked and gets its line; the same host twice is
// checked once.
func TestLateEndpoint(t *testing.T) {
	now := time.Now()
	idp, err := loginlab.SelfSigned([]string{"127.0.0.8"}, now.Add(-time.Hour), now.Add(time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	srv, err := loginlab.ServeNodes([]loginlab.Node{{Addr: "127.0.0.8", Cert: idp}})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	target, _ := ParseTarget("127.0.0.9:1")
	r := &run{target: target, opts: withDefaults(Options{Timeout: 5 * time.Second}), timings: map[string]int64{}}
	ctx := context.Background()
	sh := r.startShared(ctx)
	merge := r.startEndpoints(ctx, sh)
	sso := "https://127.0.0.8:" + strconv.Itoa(srv.Port) + "/saml2/idp/SSO"
	sh.addEndpoint(Endpoint{Role: EndpointIdP, Address: sso, Source: "pre-login answer"})
	sh.addEndpoint(Endpoint{Role: EndpointIdP, Address: sso, Source: "pre-login answer"})
	rep := &Report{Target: target}
	fs := merge(rep, nil)
	if len(rep.Endpoints) != 2 || rep.Endpoints[1].Role != EndpointIdP || rep.Endpoints[1].Primary != SelfSigned {
		t.Fatalf("endpoints %+v", rep.Endpoints)
	}
	if primaryOf(fs) != SelfSigned {
		t.Errorf("findings %+v", fs)
	}
}
