/*
 * bcryptprimitives.dll for Wine 8.0 (Debian 12), which lacks it: Go 1.22+
 * Windows programs take their random bytes from ProcessPrng and stop at
 * start-up with "fatal error: bcryptprimitives.dll not found" without it.
 * Wine 9 ships the DLL; mozilla/glean#2823 uses the same shim. RtlGenRandom
 * (advapi32's SystemFunction036) is what ProcessPrng backs on Windows.
 */
#include <windows.h>

BOOLEAN WINAPI SystemFunction036(PVOID buffer, ULONG length);

__declspec(dllexport) BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T size)
{
	while (size > 0) {
		ULONG n = size > 0x40000000 ? 0x40000000 : (ULONG)size;
		if (!SystemFunction036(data, n))
			return FALSE;
		data += n;
		size -= n;
	}
	return TRUE;
}
