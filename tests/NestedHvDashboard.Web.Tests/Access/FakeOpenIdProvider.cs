using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace NestedHvDashboard.Web.Tests.Access;

/// <summary>Who the fake provider signs in at its next authorize request.</summary>
public sealed record FakeOidcUser(string Subject, string PreferredUserName, IReadOnlyList<string> Roles);

/// <summary>
/// A minimal OpenID provider on 127.0.0.1: discovery, JWKS, an authorize endpoint that signs in <see cref="User"/> at
/// once (redirecting back with a code and the state), and a token endpoint that checks the client secret and PKCE
/// and returns an RS256 id_token with the nonce of the authorize request.
/// </summary>
public sealed class FakeOpenIdProvider : IAsyncDisposable
{
    public const string ClientId = "nestedhv-dashboard";

    public const string ClientSecret = "fake-client-secret-7Kq2Lw9";

    private const string KeyId = "fake-key-1";

    private readonly WebApplication _app;
    private readonly RSA _key = RSA.Create(2048);
    private readonly RSA _otherKey = RSA.Create(2048);
    private readonly ConcurrentDictionary<string, Grant> _grants = new();
    private readonly ConcurrentQueue<string> _issued = new();

    private FakeOpenIdProvider(WebApplication app) => _app = app;

    /// <summary>E.g. http://127.0.0.1:40123 (also the issuer).</summary>
    public string Authority { get; private set; } = "";

    /// <summary>The user the next authorize request signs in.</summary>
    public FakeOidcUser User { get; set; } = new("sub-1", "alice", []);

    /// <summary>Sign id_tokens with a key the provider does not publish (a forged token).</summary>
    public bool SignWithUnpublishedKey { get; set; }

    /// <summary>Every id_token, access token and code handed out.</summary>
    public IReadOnlyCollection<string> IssuedSecrets => [.. _issued];

    /// <summary>The dashboard's settings for this provider.</summary>
    public Dictionary<string, string?> Settings(params (string Key, string? Value)[] more)
    {
        var settings = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase)
        {
            ["Auth:Oidc:Authority"] = Authority,
            ["Auth:Oidc:ClientId"] = ClientId,
            ["Auth:Oidc:ClientSecret"] = ClientSecret,
            ["Auth:Oidc:RequireHttpsMetadata"] = "false",
        };
        foreach (var (key, value) in more)
        {
            settings[key] = value;
        }

        return settings;
    }

    public static async Task<FakeOpenIdProvider> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(o => o.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        var provider = new FakeOpenIdProvider(app);
        app.MapGet("/.well-known/openid-configuration", provider.Discovery);
        app.MapGet("/jwks", provider.Keys);
        app.MapGet("/authorize", provider.Authorize);
        app.MapPost("/token", provider.TokenAsync);
        await app.StartAsync();
        provider.Authority = app.Urls.Single().TrimEnd('/');
        return provider;
    }

    private IResult Discovery() => Results.Json(new Dictionary<string, object>
    {
        ["issuer"] = Authority,
        ["authorization_endpoint"] = $"{Authority}/authorize",
        ["token_endpoint"] = $"{Authority}/token",
        ["jwks_uri"] = $"{Authority}/jwks",
        ["response_types_supported"] = new[] { "code" },
        ["subject_types_supported"] = new[] { "public" },
        ["id_token_signing_alg_values_supported"] = new[] { "RS256" },
        ["code_challenge_methods_supported"] = new[] { "S256" },
    });

    private IResult Keys()
    {
        var parameters = _key.ExportParameters(includePrivateParameters: false);
        return Results.Json(new
        {
            keys = new[]
            {
                new Dictionary<string, string>
                {
                    ["kty"] = "RSA",
                    ["use"] = "sig",
                    ["alg"] = "RS256",
                    ["kid"] = KeyId,
                    ["n"] = Base64UrlEncoder.Encode(parameters.Modulus),
                    ["e"] = Base64UrlEncoder.Encode(parameters.Exponent),
                },
            },
        });
    }

    private IResult Authorize(HttpRequest request)
    {
        var query = request.Query;
        if (query["client_id"] != ClientId || query["response_type"] != "code" || query["code_challenge_method"] != "S256"
            || string.IsNullOrEmpty(query["code_challenge"]) || string.IsNullOrEmpty(query["nonce"]) || string.IsNullOrEmpty(query["redirect_uri"]))
        {
            return Results.BadRequest("authorize: client_id, response_type=code, PKCE S256, nonce and redirect_uri are required");
        }

        var code = Convert.ToHexString(RandomNumberGenerator.GetBytes(16));
        _issued.Enqueue(code);
        _grants[code] = new Grant(User, query["nonce"]!, query["code_challenge"]!, query["redirect_uri"]!);
        return Results.Redirect($"{query["redirect_uri"]}?code={code}&state={Uri.EscapeDataString(query["state"].ToString())}");
    }

    private async Task<IResult> TokenAsync(HttpRequest request)
    {
        var form = await request.ReadFormAsync();
        if (form["client_id"] != ClientId || form["client_secret"] != ClientSecret)
        {
            return Results.Json(new { error = "invalid_client" }, statusCode: 401);
        }

        if (form["grant_type"] != "authorization_code" || !_grants.TryRemove(form["code"].ToString(), out var grant) || form["redirect_uri"] != grant.RedirectUri)
        {
            return Results.Json(new { error = "invalid_grant" }, statusCode: 400);
        }

        var challenge = Base64UrlEncoder.Encode(SHA256.HashData(Encoding.ASCII.GetBytes(form["code_verifier"].ToString())));
        if (challenge != grant.CodeChallenge)
        {
            return Results.Json(new { error = "invalid_grant", error_description = "PKCE verifier does not match" }, statusCode: 400);
        }

        var now = DateTime.UtcNow;
        var signingKey = new RsaSecurityKey(SignWithUnpublishedKey ? _otherKey : _key) { KeyId = KeyId };
        var idToken = new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = Authority,
            Audience = ClientId,
            IssuedAt = now,
            NotBefore = now,
            Expires = now.AddMinutes(5),
            Claims = new Dictionary<string, object>
            {
                ["sub"] = grant.User.Subject,
                ["preferred_username"] = grant.User.PreferredUserName,
                ["nonce"] = grant.Nonce,
                ["roles"] = grant.User.Roles.ToArray(),
            },
            SigningCredentials = new SigningCredentials(signingKey, SecurityAlgorithms.RsaSha256),
        });
        var accessToken = Convert.ToHexString(RandomNumberGenerator.GetBytes(24));
        _issued.Enqueue(idToken);
        _issued.Enqueue(accessToken);
        return Results.Json(new Dictionary<string, object>
        {
            ["access_token"] = accessToken,
            ["token_type"] = "Bearer",
            ["expires_in"] = 300,
            ["id_token"] = idToken,
        });
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        _key.Dispose();
        _otherKey.Dispose();
    }

    private sealed record Grant(FakeOidcUser User, string Nonce, string CodeChallenge, string RedirectUri);
}
