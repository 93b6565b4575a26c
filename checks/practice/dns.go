package practice

import (
	"strings"

	"golang.org/x/net/dns/dnsmessage"
)

// Domain is the practice zone: every gateway is a name under it.
const Domain = "practice.vpndoctor.test"

// nxName is the one practice name that does not exist.
const nxName = "nxdomain." + Domain

// answerDNS builds the reply to one query, or nil to drop it: A for a
// practice name is 127.0.0.1, another type for it is an empty NOERROR, and
// any other name (nxdomain included) is NXDOMAIN.
func answerDNS(query []byte) []byte {
	var p dnsmessage.Parser
	h, err := p.Start(query)
	if err != nil || h.Response {
		return nil
	}
	resp := dnsmessage.Header{
		ID:                 h.ID,
		Response:           true,
		OpCode:             h.OpCode,
		Authoritative:      true,
		RecursionDesired:   h.RecursionDesired,
		RecursionAvailable: true,
	}
	q, err := p.Question()
	if err != nil || h.OpCode != 0 {
		resp.RCode = dnsmessage.RCodeFormatError
		if h.OpCode != 0 {
			resp.RCode = dnsmessage.RCodeNotImplemented
		}
		b := dnsmessage.NewBuilder(nil, resp)
		out, _ := b.Finish()
		return out
	}
	name := strings.ToLower(strings.TrimSuffix(q.Name.String(), "."))
	practice := strings.HasSuffix(name, "."+Domain) && name != nxName
	if !practice {
		resp.RCode = dnsmessage.RCodeNameError
	}

	b := dnsmessage.NewBuilder(make([]byte, 0, 512), resp)
	b.EnableCompression()
	if err := b.StartQuestions(); err != nil {
		return nil
	}
	if err := b.Question(q); err != nil {
		return nil
	}
	if practice && q.Type == dnsmessage.TypeA && q.Class == dnsmessage.ClassINET {
		if err := b.StartAnswers(); err != nil {
			return nil
		}
		rh := dnsmessage.ResourceHeader{Name: q.Name, Type: dnsmessage.TypeA, Class: dnsmessage.ClassINET, TTL: 60}
		if err := b.AResource(rh, dnsmessage.AResource{A: [4]byte{127, 0, 0, 1}}); err != nil {
			return nil
		}
	}
	out, err := b.Finish()
	if err != nil {
		return nil
	}
	return out
}

// newDNSServer answers UDP queries on loopback.
func newDNSServer() (*udpServer, error) { return newUDPServer(answerDNS) }
