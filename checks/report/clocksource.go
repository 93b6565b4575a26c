package report

import (
	"fmt"
	"time"

	"github.com/vpndoctor/vpndoctor/checks"
)

// clockSource says where the true time came from, and how precise it is
// when that is coarser than a time server.
func clockSource(c checks.ClockInfo, v View) string {
	prec := (time.Duration(c.PrecisionMS) * time.Millisecond).Round(time.Second)
	switch c.Source {
	case checks.ClockHTTPDate:
		return v.tr(fmt.Sprintf("VPN サーバーの HTTP Date ヘッダー、誤差 %s", prec), fmt.Sprintf("the VPN server's HTTP Date header, ±%s", prec))
	case checks.ClockOCSP:
		return v.tr("VPN サーバーが添付した OCSP 応答の日時、誤差 1 日以上", "the date of the OCSP answer the VPN server sent, ±1 day or more")
	}
	return "NTP " + c.Server
}
