//go:build !windows

package main

// attachConsole is needed only for the Windows GUI .exe.
func attachConsole() {}
