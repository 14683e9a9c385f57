using System.Text.Json.Serialization;
using MessagePack;
using MessagePack.Resolvers;
using Microsoft.AspNetCore.SignalR;

namespace NestedHvDashboard.Web.Inventory;

/// <summary>
/// How the inventory hub writes its items on the wire: enums as their names (<c>"state": "Running"</c>, not <c>2</c>),
/// in JSON and MessagePack alike, as the REST API does. A .NET client configures its protocols with the same two
/// methods (<c>AddJsonProtocol(InventoryHubProtocols.Json)</c>, <c>AddMessagePackProtocol(InventoryHubProtocols.MessagePack)</c>)
/// to read the names back.
/// </summary>
public static class InventoryHubProtocols
{
    /// <summary>Enum names first, then MessagePack's contractless standard resolver (records without attributes).</summary>
    private static readonly IFormatterResolver Resolver = CompositeResolver.Create(DynamicEnumAsStringResolver.Instance, ContractlessStandardResolver.Instance);

    /// <summary>JSON: enums as their names.</summary>
    public static void Json(JsonHubProtocolOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.PayloadSerializerOptions.Converters.Add(new JsonStringEnumConverter());
    }

    /// <summary>MessagePack: enums as their names; the default options' security (untrusted data) is kept.</summary>
    public static void MessagePack(MessagePackHubProtocolOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.SerializerOptions = options.SerializerOptions.WithResolver(Resolver);
    }
}
