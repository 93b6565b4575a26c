// Package assets holds the program's data files, embedded at build time so
// that vpndoctor stays a single executable a user can double-click.
package assets

import "embed"

// Guide is the fix guide, as data: guide/findings.json says, for every
// finding id, which side the problem is on and which evidence keys its texts
// use; guide/ja.json and guide/en.json hold the texts. Package
// checks/guide reads and renders it; guide/README.md tells editors the
// format.
//
//go:embed guide/*.json
var Guide embed.FS
