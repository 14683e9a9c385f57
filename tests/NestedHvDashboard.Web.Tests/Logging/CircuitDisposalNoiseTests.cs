using Bunit;
using Microsoft.AspNetCore.Components.Web.Virtualization;
using NestedHvDashboard.Web.Logging;
using Serilog.Events;
using Serilog.Parsing;

namespace NestedHvDashboard.Web.Tests.Logging;

/// <summary>
/// The one circuit error that is not one: Blazor's Virtualize disposed with its circuit (a page left by a full load) has its
/// pending JS call canceled. The exception is made by the framework's own component, its JS call canceled as a disposed
/// circuit cancels it; the same exception from anywhere else, or from another logger, is still logged.
/// </summary>
public sealed class CircuitDisposalNoiseTests
{
    private const string CircuitHost = "Microsoft.AspNetCore.Components.Server.Circuits.CircuitHost";

    [Fact]
    public async Task A_virtualize_disposed_with_its_circuit_is_not_logged_as_an_error()
    {
        var canceled = await VirtualizeDisposedWithCanceledCallAsync();

        Assert.True(CircuitDisposalNoise.IsNoise(Event(CircuitHost, canceled)));
    }

    [Fact]
    public async Task Any_other_circuit_error_or_logger_is_logged_as_before()
    {
        var canceled = await VirtualizeDisposedWithCanceledCallAsync();
        Exception elsewhere;
        try
        {
            await Task.FromCanceled(new CancellationToken(canceled: true));
            throw new InvalidOperationException("not canceled");
        }
        catch (TaskCanceledException ex)
        {
            elsewhere = ex;
        }

        Assert.False(CircuitDisposalNoise.IsNoise(Event(CircuitHost, elsewhere)));
        Assert.False(CircuitDisposalNoise.IsNoise(Event(CircuitHost, new InvalidOperationException("a component failed"))));
        Assert.False(CircuitDisposalNoise.IsNoise(Event("NestedHvDashboard.Web.Inventory.Feed", canceled)));
        Assert.False(CircuitDisposalNoise.IsNoise(Event(CircuitHost, null)));
    }

    // Renders the framework's Virtualize, lets its JS interop start, and disposes it while its dispose call is canceled.
    private static async Task<Exception> VirtualizeDisposedWithCanceledCallAsync()
    {
        await using var context = new BunitContext();
        context.JSInterop.Mode = JSRuntimeMode.Loose;
        context.JSInterop.SetupVoid(call => call.Identifier.EndsWith("dispose", StringComparison.OrdinalIgnoreCase)).SetCanceled();
        var rendered = context.Render<Virtualize<int>>(parameters => parameters
            .Add(p => p.Items, Enumerable.Range(0, 100).ToList())
            .Add(p => p.ChildContent, item => builder => builder.AddContent(0, item)));
        var exception = await Record.ExceptionAsync(async () => await ((IAsyncDisposable)rendered.Instance).DisposeAsync());
        return exception ?? throw new InvalidOperationException("Virtualize's DisposeAsync did not fail with its dispose call canceled.");
    }

    private static LogEvent Event(string source, Exception? exception) => new(
        DateTimeOffset.UtcNow,
        LogEventLevel.Error,
        exception,
        new MessageTemplateParser().Parse("Unhandled exception in circuit '{CircuitId}'."),
        [new LogEventProperty("SourceContext", new ScalarValue(source)), new LogEventProperty("CircuitId", new ScalarValue("c1"))]);
}
