using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;

namespace Coffer.Policy.Conditions;

/// <summary>An IPv4 or IPv6 CIDR block; IPv4 is parsed by hand so the common case allocates nothing.</summary>
internal readonly struct IpRange
{
    private readonly bool _isV4;
    private readonly UInt128 _network;
    private readonly UInt128 _mask;

    private IpRange(bool isV4, UInt128 network, UInt128 mask)
    {
        _isV4 = isV4;
        _network = network & mask;
        _mask = mask;
    }

    public int PrefixLength { get; private init; }

    /// <summary>"203.0.113.0/24", "2001:db8::/32" or a bare address; host bits are ignored.</summary>
    public static bool TryParse(string text, out IpRange range)
    {
        range = default;
        var slash = text.IndexOf('/');
        var addressText = slash < 0 ? text.AsSpan() : text.AsSpan(0, slash);
        if (!TryParseAddress(addressText, out var isV4, out var address))
        {
            return false;
        }

        var bits = isV4 ? 32 : 128;
        var prefix = bits;
        if (slash >= 0 && (!int.TryParse(text.AsSpan(slash + 1), System.Globalization.NumberStyles.None, null, out prefix) || prefix > bits))
        {
            return false;
        }

        var mask = prefix == 0 ? UInt128.Zero : (UInt128.MaxValue << (bits - prefix)) & (isV4 ? uint.MaxValue : UInt128.MaxValue);
        range = new IpRange(isV4, address, mask) { PrefixLength = prefix };
        return true;
    }

    public bool Contains(bool isV4, UInt128 address) => isV4 == _isV4 && (address & _mask) == _network;

    /// <summary>IPv4-mapped IPv6 addresses count as IPv4, as a dual-stack listener reports them.</summary>
    public static bool TryParseAddress(ReadOnlySpan<char> text, out bool isV4, out UInt128 address)
    {
        if (TryParseV4(text, out var v4))
        {
            isV4 = true;
            address = v4;
            return true;
        }

        isV4 = false;
        address = default;
        if (text.IndexOf(':') < 0 || !IPAddress.TryParse(text, out var parsed) || parsed.AddressFamily != AddressFamily.InterNetworkV6)
        {
            return false;
        }

        if (parsed.IsIPv4MappedToIPv6)
        {
            isV4 = true;
            address = BinaryPrimitives.ReadUInt32BigEndian(parsed.MapToIPv4().GetAddressBytes());
            return true;
        }

        Span<byte> bytes = stackalloc byte[16];
        parsed.TryWriteBytes(bytes, out _);
        address = BinaryPrimitives.ReadUInt128BigEndian(bytes);
        return true;
    }

    private static bool TryParseV4(ReadOnlySpan<char> text, out uint address)
    {
        address = 0;
        var octets = 0;
        var value = -1;
        foreach (var c in text)
        {
            if (c == '.')
            {
                if (value < 0 || octets == 3)
                {
                    return false;
                }

                address = (address << 8) | (uint)value;
                octets++;
                value = -1;
            }
            else if (c is >= '0' and <= '9')
            {
                value = value < 0 ? c - '0' : (value * 10) + (c - '0');
                if (value > 255)
                {
                    return false;
                }
            }
            else
            {
                return false;
            }
        }

        if (value < 0 || octets != 3)
        {
            return false;
        }

        address = (address << 8) | (uint)value;
        return true;
    }
}
