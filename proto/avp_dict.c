/*
 * The AVP dictionary: every AVP we can name, one line each.
 *
 * Sources: RFC 2661 (0-39, kept by RFC 3931 or still sent by v3 peers),
 * the IANA registry for the PPP-era extensions (40-57), RFC 3931 (58-75),
 * RFC 4667 (89-91) and Cisco's vendor-9 AVPs as Wireshark and IOS know
 * them.  Lengths are value lengths (the 6-byte AVP header excluded); where
 * an RFC leaves a value open we accept anything that fits an AVP.
 *
 * The tables are indexed directly by attribute type, so a lookup is a
 * bounds check and an array access: the decoder calls it for every AVP of
 * every message.
 */
#include <stddef.h>

#include "proto/avp.h"
#include "proto/l2tp.h"

#define VMAX (L2TP_AVP_MAX_LEN - L2TP_AVP_HDR_LEN) /* largest value */
#define NONCE_MAX 64 /* RFC 3931: the nonce is at most 64 octets */
#define IETF_SLOTS 128
#define CISCO_SLOTS 32

#define M AVP_DEF_MANDATORY
#define H AVP_DEF_HIDEABLE
#define V2 AVP_DEF_V2_ONLY

#define IETF(t, name, json, fmt, lo, hi, fl) \
	[t] = { L2TP_VENDOR_IETF, t, name, json, fmt, lo, hi, fl }
#define CISCO(t, name, json, fmt, lo, hi, fl) \
	[t] = { L2TP_VENDOR_CISCO, t, name, json, fmt, lo, hi, fl }

/* Slots without a name are AVPs we do not know. */
static const struct avp_def ietf_avps[IETF_SLOTS] = {
	IETF(0, "Message Type", "messageType", AVP_FMT_MSG_TYPE, 2, 2, M),
	IETF(1, "Result Code", "resultCode", AVP_FMT_RESULT, 2, VMAX, M),
	IETF(2, "Protocol Version", "protocolVersion", AVP_FMT_PROTO_VER, 2, 2,
	    M | V2),
	IETF(3, "Framing Capabilities", "framingCapabilities", AVP_FMT_U32, 4,
	    4, M | H | V2),
	IETF(4, "Bearer Capabilities", "bearerCapabilities", AVP_FMT_U32, 4, 4,
	    M | H | V2),
	IETF(5, "Control Connection Tie Breaker", "tieBreaker", AVP_FMT_BYTES,
	    8, 8, 0),
	IETF(6, "Firmware Revision", "firmwareRevision", AVP_FMT_U16, 2, 2, H),
	IETF(7, "Host Name", "hostName", AVP_FMT_STRING, 1, VMAX, M),
	IETF(8, "Vendor Name", "vendorName", AVP_FMT_STRING, 0, VMAX, H),
	IETF(9, "Assigned Tunnel ID", "assignedTunnelId", AVP_FMT_U16, 2, 2,
	    M | H | V2),
	IETF(10, "Receive Window Size", "receiveWindowSize", AVP_FMT_U16, 2, 2,
	    M),
	IETF(11, "Challenge", "challenge", AVP_FMT_BYTES, 1, VMAX, M | H | V2),
	IETF(12, "Q.931 Cause Code", "q931CauseCode", AVP_FMT_Q931, 3, VMAX,
	    M | V2),
	IETF(13, "Challenge Response", "challengeResponse", AVP_FMT_BYTES, 16,
	    16, M | H | V2),
	IETF(14, "Assigned Session ID", "assignedSessionId", AVP_FMT_U16, 2, 2,
	    M | H | V2),
	IETF(15, "Call Serial Number", "callSerialNumber", AVP_FMT_U32, 4, 4,
	    M | H | V2),
	IETF(16, "Minimum BPS", "minimumBps", AVP_FMT_U32, 4, 4, M | H | V2),
	IETF(17, "Maximum BPS", "maximumBps", AVP_FMT_U32, 4, 4, M | H | V2),
	IETF(18, "Bearer Type", "bearerType", AVP_FMT_U32, 4, 4, M | H | V2),
	IETF(19, "Framing Type", "framingType", AVP_FMT_U32, 4, 4, M | H | V2),
	/* 20 is reserved. */
	IETF(21, "Called Number", "calledNumber", AVP_FMT_STRING, 0, VMAX,
	    M | H | V2),
	IETF(22, "Calling Number", "callingNumber", AVP_FMT_STRING, 0, VMAX,
	    M | H | V2),
	IETF(23, "Sub-Address", "subAddress", AVP_FMT_STRING, 0, VMAX,
	    M | H | V2),
	IETF(
	    24, "Connect Speed", "connectSpeed", AVP_FMT_U32, 4, 4, M | H | V2),
	IETF(25, "Physical Channel ID", "physicalChannelId", AVP_FMT_U32, 4, 4,
	    H | V2),
	IETF(26, "Initial Received LCP CONFREQ", "initialReceivedLcpConfreq",
	    AVP_FMT_BYTES, 0, VMAX, H | V2),
	IETF(27, "Last Sent LCP CONFREQ", "lastSentLcpConfreq", AVP_FMT_BYTES,
	    0, VMAX, H | V2),
	IETF(28, "Last Received LCP CONFREQ", "lastReceivedLcpConfreq",
	    AVP_FMT_BYTES, 0, VMAX, H | V2),
	IETF(29, "Proxy Authen Type", "proxyAuthenType", AVP_FMT_U16, 2, 2,
	    H | V2),
	IETF(30, "Proxy Authen Name", "proxyAuthenName", AVP_FMT_STRING, 0,
	    VMAX, H | V2),
	IETF(31, "Proxy Authen Challenge", "proxyAuthenChallenge",
	    AVP_FMT_BYTES, 1, VMAX, H | V2),
	IETF(32, "Proxy Authen ID", "proxyAuthenId", AVP_FMT_U16, 2, 2, H | V2),
	IETF(33, "Proxy Authen Response", "proxyAuthenResponse", AVP_FMT_BYTES,
	    0, VMAX, H | V2),
	IETF(34, "Call Errors", "callErrors", AVP_FMT_CALL_ERRORS, 26, 26,
	    M | H | V2),
	IETF(35, "ACCM", "accm", AVP_FMT_ACCM, 10, 10, M | H | V2),
	IETF(36, "Random Vector", "randomVector", AVP_FMT_BYTES, 1, VMAX, M),
	IETF(37, "Private Group ID", "privateGroupId", AVP_FMT_BYTES, 0, VMAX,
	    H | V2),
	IETF(38, "Rx Connect Speed (v2)", "rxConnectSpeedV2", AVP_FMT_U32, 4, 4,
	    H | V2),
	IETF(39, "Sequencing Required", "sequencingRequired", AVP_FMT_NONE, 0,
	    0, M | V2),
	/* PPP-era extensions (RFC 3301, 3145, 3308, 3437, 3573, 3817). */
	IETF(40, "Rx Minimum BPS", "rxMinimumBps", AVP_FMT_U32, 4, 4, V2),
	IETF(41, "Rx Maximum BPS", "rxMaximumBps", AVP_FMT_U32, 4, 4, V2),
	IETF(42, "Service Category", "serviceCategory", AVP_FMT_BYTES, 0, VMAX,
	    V2),
	IETF(43, "Service Name", "serviceName", AVP_FMT_STRING, 0, VMAX, V2),
	IETF(44, "Calling Sub-Address", "callingSubAddress", AVP_FMT_STRING, 0,
	    VMAX, V2),
	IETF(45, "VPI/VCI Identifier", "vpiVciIdentifier", AVP_FMT_BYTES, 0,
	    VMAX, V2),
	IETF(46, "PPP Disconnect Cause Code", "pppDisconnectCauseCode",
	    AVP_FMT_BYTES, 5, VMAX, H | V2),
	IETF(47, "CCDS", "ccds", AVP_FMT_BYTES, 0, VMAX, V2),
	IETF(48, "SDS", "sds", AVP_FMT_BYTES, 0, VMAX, V2),
	IETF(49, "LCP Want Options", "lcpWantOptions", AVP_FMT_BYTES, 0, VMAX,
	    V2),
	IETF(50, "LCP Allow Options", "lcpAllowOptions", AVP_FMT_BYTES, 0, VMAX,
	    V2),
	IETF(51, "LNS Last Sent LCP CONFREQ", "lnsLastSentLcpConfreq",
	    AVP_FMT_BYTES, 0, VMAX, V2),
	IETF(52, "LNS Last Received LCP CONFREQ", "lnsLastReceivedLcpConfreq",
	    AVP_FMT_BYTES, 0, VMAX, V2),
	IETF(53, "Modem On-Hold Capable", "modemOnHoldCapable", AVP_FMT_BYTES,
	    0, VMAX, V2),
	IETF(54, "Modem On-Hold Status", "modemOnHoldStatus", AVP_FMT_BYTES, 0,
	    VMAX, V2),
	IETF(55, "PPPoE Relay", "pppoeRelay", AVP_FMT_BYTES, 0, VMAX, V2),
	IETF(56, "PPPoE Relay Response Capability",
	    "pppoeRelayResponseCapability", AVP_FMT_BYTES, 0, VMAX, V2),
	IETF(57, "PPPoE Relay Forward Capability",
	    "pppoeRelayForwardCapability", AVP_FMT_BYTES, 0, VMAX, V2),
	/* RFC 3931. */
	IETF(
	    58, "Extended Vendor ID", "extendedVendorId", AVP_FMT_U32, 4, 4, M),
	IETF(59, "Message Digest", "messageDigest", AVP_FMT_DIGEST, 17, 21, M),
	IETF(60, "Router ID", "routerId", AVP_FMT_IPV4, 4, 4, M | H),
	IETF(61, "Assigned Control Connection ID",
	    "assignedControlConnectionId", AVP_FMT_U32, 4, 4, M | H),
	IETF(62, "Pseudowire Capabilities List", "pseudowireCapabilitiesList",
	    AVP_FMT_U16_LIST, 2, VMAX - 1, M | H),
	IETF(
	    63, "Local Session ID", "localSessionId", AVP_FMT_U32, 4, 4, M | H),
	IETF(64, "Remote Session ID", "remoteSessionId", AVP_FMT_U32, 4, 4,
	    M | H),
	IETF(65, "Assigned Cookie", "assignedCookie", AVP_FMT_BYTES, 1, 8,
	    M | H),
	IETF(
	    66, "Remote End ID", "remoteEndId", AVP_FMT_STRING, 1, VMAX, M | H),
	IETF(67, "Application Code", "applicationCode", AVP_FMT_BYTES, 0, VMAX,
	    0),
	IETF(68, "Pseudowire Type", "pseudowireType", AVP_FMT_PW_TYPE, 2, 2,
	    M | H),
	IETF(69, "L2-Specific Sublayer", "l2SpecificSublayer", AVP_FMT_U16, 2,
	    2, M | H),
	IETF(70, "Data Sequencing", "dataSequencing", AVP_FMT_U16, 2, 2, M | H),
	IETF(71, "Circuit Status", "circuitStatus", AVP_FMT_CIRCUIT, 2, 2,
	    M | H),
	IETF(72, "Preferred Language", "preferredLanguage", AVP_FMT_STRING, 1,
	    VMAX, H),
	IETF(73, "Control Message Authentication Nonce",
	    "controlMessageAuthenticationNonce", AVP_FMT_BYTES, 1, NONCE_MAX,
	    M),
	IETF(74, "Tx Connect Speed", "txConnectSpeed", AVP_FMT_U64, 8, 8, H),
	IETF(75, "Rx Connect Speed", "rxConnectSpeed", AVP_FMT_U64, 8, 8, H),
	/* RFC 4667. */
	IETF(89, "Attachment Group Identifier", "attachmentGroupIdentifier",
	    AVP_FMT_BYTES, 0, VMAX, M | H),
	IETF(90, "Local End Identifier", "localEndIdentifier", AVP_FMT_BYTES, 1,
	    VMAX, M | H),
	IETF(91, "Interface MTU", "interfaceMtu", AVP_FMT_U16, 2, 2, 0),
};

/* What Cisco IOS sends in its default (draft) mode instead of 60-73. */
static const struct avp_def cisco_avps[CISCO_SLOTS] = {
	CISCO(0, "Cisco Message Type", "ciscoMessageType", AVP_FMT_MSG_TYPE, 2,
	    2, M),
	CISCO(1, "Cisco Assigned Connection ID", "ciscoAssignedConnectionId",
	    AVP_FMT_U32, 4, 4, M | H),
	CISCO(2, "Cisco Pseudowire Capabilities List",
	    "ciscoPseudowireCapabilitiesList", AVP_FMT_U16_LIST, 2, VMAX - 1,
	    M | H),
	CISCO(3, "Cisco Local Session ID", "ciscoLocalSessionId", AVP_FMT_U32,
	    4, 4, M | H),
	CISCO(4, "Cisco Remote Session ID", "ciscoRemoteSessionId", AVP_FMT_U32,
	    4, 4, M | H),
	CISCO(5, "Cisco Assigned Cookie", "ciscoAssignedCookie", AVP_FMT_BYTES,
	    1, 8, M | H),
	CISCO(6, "Cisco Remote End ID", "ciscoRemoteEndId", AVP_FMT_STRING, 1,
	    VMAX, M | H),
	CISCO(7, "Cisco Pseudowire Type", "ciscoPseudowireType",
	    AVP_FMT_PW_TYPE, 2, 2, M | H),
	CISCO(8, "Cisco Circuit Status", "ciscoCircuitStatus", AVP_FMT_CIRCUIT,
	    2, 2, M | H),
	CISCO(9, "Cisco Session Tie Breaker", "ciscoSessionTieBreaker",
	    AVP_FMT_BYTES, 8, 8, M),
	CISCO(10, "Cisco Draft AVP Version", "ciscoDraftAvpVersion",
	    AVP_FMT_U16, 2, 2, M),
	CISCO(12, "Cisco Message Digest", "ciscoMessageDigest", AVP_FMT_DIGEST,
	    17, 21, M),
	CISCO(13, "Cisco Control Message Authentication Nonce",
	    "ciscoAuthNonce", AVP_FMT_BYTES, 1, NONCE_MAX, M),
	CISCO(14, "Cisco Interface MTU", "ciscoInterfaceMtu", AVP_FMT_U16, 2, 2,
	    0),
};

const struct avp_def *
avp_lookup(uint16_t vendor, uint16_t type)
{
	const struct avp_def *d;

	if (vendor == L2TP_VENDOR_IETF && type < IETF_SLOTS)
		d = &ietf_avps[type];
	else if (vendor == L2TP_VENDOR_CISCO && type < CISCO_SLOTS)
		d = &cisco_avps[type];
	else
		return NULL;
	return d->name != NULL ? d : NULL;
}

/*
 * Iteration walks the sparse slots; it serves docs and tests, never the
 * packet path, so counting on each call is cheap enough.
 */
static const struct avp_def *
dict_nth(size_t n, size_t *count)
{
	size_t i, seen = 0;

	for (i = 0; i < IETF_SLOTS + CISCO_SLOTS; i++) {
		const struct avp_def *d = i < IETF_SLOTS
		    ? &ietf_avps[i]
		    : &cisco_avps[i - IETF_SLOTS];

		if (d->name == NULL)
			continue;
		if (seen++ == n)
			return d;
	}
	if (count != NULL)
		*count = seen;
	return NULL;
}

const struct avp_def *
avp_dict_entry(size_t i)
{
	return dict_nth(i, NULL);
}

size_t
avp_dict_size(void)
{
	size_t count = 0;

	dict_nth(SIZE_MAX, &count);
	return count;
}
