/*
 * Fuzz target for control connections: a whole conversation per input,
 * through the daemon's real receive path (tunnel.c, the control
 * connection FSM, the reliable layer, sessions), on a fake clock, with
 * every datagram the daemon sends captured and judged.
 *
 * Input: a selector byte (which of harness.c's configurations: responder,
 * initiator with MD5, Cisco dialect with SHA-1, window of 1, initiator
 * without digest), then the
 * records of harness.h: peer messages (with optional fix-ups of CCID,
 * Ns, Nr, session IDs and digest), clock advances and operator actions.
 * The invariants (harness.c, fz_check) run after every record.
 */
#include <stddef.h>
#include <stdint.h>

#include "tests/fuzz/fuzz_check.h"
#include "tests/fuzz/harness.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	CHECK(fz_start(data[0]) == 0);
	fz_run(data + 1, size - 1);
	fz_stop();
	return 0;
}
