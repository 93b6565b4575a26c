// Package packaging holds what IT and release builds need besides the code:
// the example settings file, and tests of the built packages (run by
// `make package-check`).
package packaging

import (
	"bytes"
	"debug/pe"
	"encoding/binary"
	"fmt"
	"os"
	"strings"
	"testing"
	"unicode/utf16"

	"github.com/vpndoctor/vpndoctor/checks"
)

// Resource types (winuser.h).
const (
	rtGroupIcon = 14
	rtVersion   = 16
	rtManifest  = 24
)

// TestWindowsExe checks the .exe that scripts/package.sh built: a 64-bit
// (PE32+) GUI program, so no console window opens beside the wizard, with
// an icon, a manifest and a version resource that says checks.Version.
func TestWindowsExe(t *testing.T) {
	path := os.Getenv("VPNDOCTOR_EXE")
	if path == "" {
		t.Skip("VPNDOCTOR_EXE is not set: `make package-check` builds the Windows .exe and runs this test on it")
	}
	f, err := pe.Open(path)
	if err != nil {
		t.Fatalf("VPNDOCTOR_EXE=%s: %v", path, err)
	}
	defer f.Close()
	if f.Machine != pe.IMAGE_FILE_MACHINE_AMD64 {
		t.Errorf("machine %#x, want AMD64 (%#x)", f.Machine, pe.IMAGE_FILE_MACHINE_AMD64)
	}
	oh, ok := f.OptionalHeader.(*pe.OptionalHeader64)
	if !ok || oh.Magic != 0x20b {
		t.Fatalf("not PE32+ (optional header %T)", f.OptionalHeader)
	}
	if oh.Subsystem != pe.IMAGE_SUBSYSTEM_WINDOWS_GUI {
		t.Errorf("subsystem %d, want %d (Windows GUI): a console window would open beside the wizard; link with -H=windowsgui", oh.Subsystem, pe.IMAGE_SUBSYSTEM_WINDOWS_GUI)
	}
	res, err := readResources(f)
	if err != nil {
		t.Fatal(err)
	}
	for typ, what := range map[uint32]string{rtGroupIcon: "icon", rtManifest: "manifest", rtVersion: "version"} {
		if len(res[typ]) == 0 {
			t.Errorf("no %s resource", what)
		}
	}
	if len(res[rtVersion]) == 0 {
		return
	}
	vi, err := parseVersionInfo(res[rtVersion][0])
	if err != nil {
		t.Fatal(err)
	}
	want := checks.Version
	build := os.Getenv("PACKAGE_BUILD")
	if build == "" {
		build = "1"
	}
	if got := vi.fixed; got != want+"."+build {
		t.Errorf("file version %s, want %s.%s (checks.Version, PACKAGE_BUILD)", got, want, build)
	}
	if got := vi.strings["ProductVersion"]; !strings.HasPrefix(got, want) {
		t.Errorf("ProductVersion %q, want %s...", got, want)
	}
	if got := vi.strings["ProductName"]; got != "vpndoctor" {
		t.Errorf("ProductName %q, want vpndoctor", got)
	}
	t.Logf("%s: PE32+ AMD64 GUI, version %s, strings %v, %d bytes of manifest", path, vi.fixed, vi.strings, len(res[rtManifest][0]))
	if os.Getenv("VPNDOCTOR_EXE_SIGNED") == "1" {
		if dd := oh.DataDirectory[pe.IMAGE_DIRECTORY_ENTRY_SECURITY]; dd.Size == 0 {
			t.Error("the .exe carries no Authenticode signature")
		}
	}
}

// readResources returns the data of every resource, by type id.
func readResources(f *pe.File) (map[uint32][][]byte, error) {
	sec := f.Section(".rsrc")
	if sec == nil {
		return nil, fmt.Errorf("no .rsrc section: the .exe has no resources (icon, manifest, version)")
	}
	data, err := sec.Data()
	if err != nil {
		return nil, err
	}
	out := map[uint32][][]byte{}
	// Three levels: type, name, language; leaves point at data by RVA.
	var walk func(off uint32, depth int, typ uint32) error
	walk = func(off uint32, depth int, typ uint32) error {
		if depth > 3 || int(off)+16 > len(data) {
			return fmt.Errorf("resource directory at %#x is out of the section", off)
		}
		n := int(binary.LittleEndian.Uint16(data[off+12:])) + int(binary.LittleEndian.Uint16(data[off+14:]))
		for i := 0; i < n; i++ {
			e := off + 16 + uint32(i)*8
			if int(e)+8 > len(data) {
				return fmt.Errorf("resource entry at %#x is out of the section", e)
			}
			id := binary.LittleEndian.Uint32(data[e:])
			to := binary.LittleEndian.Uint32(data[e+4:])
			if depth == 0 {
				typ = id
			}
			if to&0x80000000 != 0 {
				if err := walk(to&0x7fffffff, depth+1, typ); err != nil {
					return err
				}
				continue
			}
			if int(to)+16 > len(data) {
				return fmt.Errorf("resource data entry at %#x is out of the section", to)
			}
			rva := binary.LittleEndian.Uint32(data[to:])
			size := binary.LittleEndian.Uint32(data[to+4:])
			start := rva - sec.VirtualAddress
			if rva < sec.VirtualAddress || int(start+size) > len(data) {
				return fmt.Errorf("resource data at RVA %#x is out of the section", rva)
			}
			out[typ] = append(out[typ], data[start:start+size])
		}
		return nil
	}
	return out, walk(0, 0, 0)
}

type versionInfo struct {
	fixed   string            // FileVersion of VS_FIXEDFILEINFO: "0.1.0.1"
	strings map[string]string // StringFileInfo: ProductVersion, ProductName, ...
}

// parseVersionInfo reads a VS_VERSIONINFO block: a tree of nodes, each
// {wLength, wValueLength, wType, szKey (UTF-16), padding, Value, padding,
// Children}.
func parseVersionInfo(b []byte) (versionInfo, error) {
	vi := versionInfo{strings: map[string]string{}}
	key, value, children, err := versionNode(b)
	if err != nil {
		return vi, err
	}
	if key != "VS_VERSION_INFO" {
		return vi, fmt.Errorf("version resource starts with %q, not VS_VERSION_INFO", key)
	}
	if len(value) < 52 || binary.LittleEndian.Uint32(value) != 0xFEEF04BD {
		return vi, fmt.Errorf("no VS_FIXEDFILEINFO in the version resource")
	}
	ms, ls := binary.LittleEndian.Uint32(value[8:]), binary.LittleEndian.Uint32(value[12:])
	vi.fixed = fmt.Sprintf("%d.%d.%d.%d", ms>>16, ms&0xffff, ls>>16, ls&0xffff)
	// StringFileInfo -> StringTable (per language) -> String.
	eachChild(children, func(k string, _ []byte, kids []byte) {
		if k != "StringFileInfo" {
			return
		}
		eachChild(kids, func(_ string, _ []byte, strs []byte) {
			eachChild(strs, func(name string, v []byte, _ []byte) {
				vi.strings[name] = utf16String(v)
			})
		})
	})
	return vi, nil
}

func versionNode(b []byte) (key string, value, children []byte, err error) {
	if len(b) < 6 {
		return "", nil, nil, fmt.Errorf("version node too short")
	}
	length := int(binary.LittleEndian.Uint16(b))
	valueLen := int(binary.LittleEndian.Uint16(b[2:]))
	text := binary.LittleEndian.Uint16(b[4:]) == 1
	if length > len(b) || length < 6 {
		return "", nil, nil, fmt.Errorf("version node length %d out of %d bytes", length, len(b))
	}
	b = b[:length]
	i := 6
	var k []uint16
	for i+1 < len(b) {
		c := binary.LittleEndian.Uint16(b[i:])
		i += 2
		if c == 0 {
			break
		}
		k = append(k, c)
	}
	i = align4(i)
	if text {
		valueLen *= 2 // counted in UTF-16 characters
	}
	end := min(i+valueLen, len(b))
	value = b[min(i, len(b)):end]
	return string(utf16.Decode(k)), value, b[min(align4(end), len(b)):], nil
}

func eachChild(b []byte, fn func(key string, value, children []byte)) {
	for len(b) >= 6 {
		length := int(binary.LittleEndian.Uint16(b))
		if length < 6 || length > len(b) {
			return
		}
		if k, v, c, err := versionNode(b[:length]); err == nil {
			fn(k, v, c)
		}
		b = b[min(align4(length), len(b)):]
	}
}

func align4(i int) int { return (i + 3) &^ 3 }

func utf16String(b []byte) string {
	u := make([]uint16, 0, len(b)/2)
	for i := 0; i+1 < len(b); i += 2 {
		u = append(u, binary.LittleEndian.Uint16(b[i:]))
	}
	return string(bytes.TrimRight([]byte(string(utf16.Decode(u))), "\x00"))
}

// TestWindowsCLIExe: the command-line program is a console program, so
// cmd.exe and PowerShell wait for it and show what it prints.
func TestWindowsCLIExe(t *testing.T) {
	path := os.Getenv("VPNDOCTOR_CLI_EXE")
	if path == "" {
		t.Skip("VPNDOCTOR_CLI_EXE is not set: `make package-check` builds it and runs this test on it")
	}
	f, err := pe.Open(path)
	if err != nil {
		t.Fatalf("VPNDOCTOR_CLI_EXE=%s: %v", path, err)
	}
	defer f.Close()
	oh, ok := f.OptionalHeader.(*pe.OptionalHeader64)
	if !ok || f.Machine != pe.IMAGE_FILE_MACHINE_AMD64 {
		t.Fatalf("not a PE32+ AMD64 program (%T, machine %#x)", f.OptionalHeader, f.Machine)
	}
	if oh.Subsystem != pe.IMAGE_SUBSYSTEM_WINDOWS_CUI {
		t.Errorf("subsystem %d, want %d (console)", oh.Subsystem, pe.IMAGE_SUBSYSTEM_WINDOWS_CUI)
	}
}
