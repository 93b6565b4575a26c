package report

import (
	"fmt"
	"strings"

	"github.com/vpndoctor/vpndoctor/checks"
)

// maxNamesShown bounds the names of one certificate shown to people. A
// certificate is the server's to write: one with 10,000 names made a
// 190 KB line in the terminal and a label of that size in the wizard. The
// JSON report keeps every name.
const maxNamesShown = 20

// NameList is a certificate's names, DNS then IP, for people: the first
// maxNamesShown, then how many more there are.
func NameList(c checks.ChainCert, v View) string {
	names := append(append([]string{}, c.DNSNames...), c.IPs...)
	if len(names) <= maxNamesShown {
		return strings.Join(names, ", ")
	}
	more := len(names) - maxNamesShown
	return strings.Join(names[:maxNamesShown], ", ") + v.tr(fmt.Sprintf("、ほか %d 件", more), fmt.Sprintf(" and %d more", more))
}
