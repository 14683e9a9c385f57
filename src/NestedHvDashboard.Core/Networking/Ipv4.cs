using System.Globalization;

namespace NestedHvDashboard.Core.Networking;

/// <summary>An IPv4 address as a 32-bit number, parsed strictly (four decimal octets, no leading zeros).</summary>
public readonly record struct Ipv4Address(uint Value)
{
    /// <summary>
    /// Parses dotted-quad text. Surrounding whitespace is ignored; anything else that is not four decimal
    /// octets 0-255 is refused, including leading zeros (Windows reads "010" as octal in some places).
    /// </summary>
    public static bool TryParse(string? text, out Ipv4Address address, out string error)
    {
        address = default;
        var trimmed = text?.Trim() ?? "";
        if (trimmed.Length == 0)
        {
            error = "is empty";
            return false;
        }

        var parts = trimmed.Split('.');
        if (parts.Length != 4)
        {
            error = $"'{trimmed}' is not an IPv4 address (four numbers 0-255 separated by dots)";
            return false;
        }

        uint value = 0;
        foreach (var part in parts)
        {
            if (part.Length == 0 || part.Length > 3 || !part.All(char.IsAsciiDigit))
            {
                error = $"'{trimmed}' is not an IPv4 address (four numbers 0-255 separated by dots)";
                return false;
            }

            if (part.Length > 1 && part[0] == '0')
            {
                error = $"'{trimmed}' has a leading zero in '{part}', which some Windows tools read as octal; write it without the zero";
                return false;
            }

            var octet = int.Parse(part, NumberStyles.None, CultureInfo.InvariantCulture);
            if (octet > 255)
            {
                error = $"'{trimmed}' has '{part}', which is more than 255";
                return false;
            }

            value = (value << 8) | (uint)octet;
        }

        address = new Ipv4Address(value);
        error = "";
        return true;
    }

    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"{Value >> 24}.{(Value >> 16) & 0xFF}.{(Value >> 8) & 0xFF}.{Value & 0xFF}");
}

/// <summary>An IPv4 network in CIDR form: the network address and the prefix length.</summary>
public readonly record struct Ipv4Prefix
{
    public Ipv4Prefix(Ipv4Address network, int length)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(length, 32);
        Length = length;
        Network = new Ipv4Address(network.Value & MaskFor(length));
    }

    /// <summary>The network address (host bits zero).</summary>
    public Ipv4Address Network { get; }

    /// <summary>The prefix length, 0-32.</summary>
    public int Length { get; }

    /// <summary>The last address of the network (all host bits one).</summary>
    public Ipv4Address Broadcast => new(Network.Value | ~MaskFor(Length));

    /// <summary>How many addresses the prefix spans, network and broadcast included.</summary>
    public ulong Size => 1UL << (32 - Length);

    public bool Contains(Ipv4Address address) => (address.Value & MaskFor(Length)) == Network.Value;

    public bool Overlaps(Ipv4Prefix other) => Contains(other.Network) || other.Contains(Network);

    /// <summary>The prefix containing <paramref name="address"/> with the given length (e.g. an interface's network).</summary>
    public static Ipv4Prefix Of(Ipv4Address address, int length) => new(address, length);

    /// <summary>
    /// Parses "a.b.c.d/n". Refuses a prefix whose address has host bits set and says what the network
    /// address would be, because New-NetNat would otherwise get a prefix the user did not mean.
    /// </summary>
    public static bool TryParse(string? text, out Ipv4Prefix prefix, out string error)
    {
        prefix = default;
        var trimmed = text?.Trim() ?? "";
        if (trimmed.Length == 0)
        {
            error = "is empty";
            return false;
        }

        var slash = trimmed.IndexOf('/', StringComparison.Ordinal);
        if (slash < 0 || slash != trimmed.LastIndexOf('/'))
        {
            error = $"'{trimmed}' is not in CIDR form like 192.168.0.0/24";
            return false;
        }

        if (!Ipv4Address.TryParse(trimmed[..slash], out var address, out var addressError) || trimmed[..slash].Trim() != trimmed[..slash])
        {
            error = addressError.Length > 0 ? addressError : $"'{trimmed}' has whitespace before the '/'";
            return false;
        }

        var lengthText = trimmed[(slash + 1)..];
        if (lengthText.Length == 0 || lengthText.Length > 2 || !lengthText.All(char.IsAsciiDigit) || (lengthText.Length > 1 && lengthText[0] == '0'))
        {
            error = $"'{trimmed}' has '/{lengthText}', which is not a prefix length 0-32";
            return false;
        }

        var length = int.Parse(lengthText, NumberStyles.None, CultureInfo.InvariantCulture);
        if (length > 32)
        {
            error = $"'{trimmed}' has prefix length {length}; IPv4 prefix lengths go from 0 to 32";
            return false;
        }

        var network = new Ipv4Prefix(address, length);
        if (network.Network != address)
        {
            error = $"'{trimmed}' has host bits set: the network address would be {network}";
            return false;
        }

        prefix = network;
        error = "";
        return true;
    }

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Network}/{Length}");

    private static uint MaskFor(int length) => length == 0 ? 0u : uint.MaxValue << (32 - length);
}
