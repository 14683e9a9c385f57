namespace NestedHvDashboard.Core.Networking;

/// <summary>Names of the request fields a <see cref="NatNetworkProblem"/> can point at.</summary>
public static class NatNetworkField
{
    public const string Prefix = nameof(NatNetworkRequest.Prefix);
    public const string Gateway = nameof(NatNetworkRequest.Gateway);
    public const string DnsServer = nameof(NatNetworkRequest.DnsServer);
    public const string SwitchName = nameof(NatNetworkRequest.SwitchName);
    public const string NatName = nameof(NatNetworkRequest.NatName);
}

/// <summary>Why a request cannot be planned: the field at fault and a sentence saying what is wrong.</summary>
public sealed record NatNetworkProblem(string Field, string Message)
{
    public override string ToString() => $"{Field}: {Message}";
}
