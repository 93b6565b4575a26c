package report

import (
	"fmt"

	"github.com/vpndoctor/vpndoctor/checks"
	"github.com/vpndoctor/vpndoctor/checks/guide"
)

// revokedWords: revoked on which date, why, and where that was read.
func revokedWords(d checks.DeviceCert, v View) string {
	rv := d.Revocation
	if rv == nil {
		return v.tr("発行元によって取り消されています", "Revoked by its CA")
	}
	reason := guide.Word(v.Lang, "revocation_reason", rv.Reason)
	return v.tr(fmt.Sprintf("%s に発行元によって取り消されています（理由：%s、確認先：%s）", formatTime(rv.RevokedAt, v), reason, where(rv, v)),
		fmt.Sprintf("Revoked by its CA on %s (reason: %s; according to %s)", formatTime(rv.RevokedAt, v), rv.Reason, where(rv, v)))
}

// where says where the CA's word was read: "the CRL at http://…".
func where(rv *checks.DeviceRevocation, v View) string {
	src := guide.Word(v.Lang, "source", rv.Source)
	return v.tr(src+" "+rv.URL, src+" at "+rv.URL)
}

// revocationWords is the line for a certificate whose CA was asked and
// did not revoke it, or could not be asked ("" when it was not asked, or it
// is revoked: that is one of its problems).
func revocationWords(d checks.DeviceCert, v View) string {
	switch rv := d.Revocation; {
	case rv == nil:
		return ""
	case rv.State == checks.DeviceRevGood:
		return v.tr("発行元は取り消していません（確認先："+where(rv, v)+"）", "Not revoked, according to its CA ("+where(rv, v)+")")
	case rv.State == checks.DeviceRevUnknown:
		return v.tr("取り消されていないかは確認できませんでした（"+rv.Note+"）", "Whether it is revoked could not be checked ("+rv.Note+")")
	}
	return ""
}
