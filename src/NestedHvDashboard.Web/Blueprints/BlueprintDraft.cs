using NestedHvDashboard.Core.Blueprints;

namespace NestedHvDashboard.Web.Blueprints;

/// <summary>
/// The blueprint being edited, in its three views: the YAML text, the JSON text and the form. A view's edit is read through
/// <see cref="IBlueprintService.Parse"/> and, once it reads without problems, written into the other two views through
/// <see cref="IBlueprintService.Export"/>; text with problems stays as typed, and the other views keep the last blueprint read.
/// </summary>
public sealed class BlueprintDraft
{
    private readonly IBlueprintService _service;

    /// <summary>A draft of <paramref name="blueprint"/>, every view showing it.</summary>
    public BlueprintDraft(IBlueprintService service, Blueprint blueprint)
    {
        ArgumentNullException.ThrowIfNull(service);
        ArgumentNullException.ThrowIfNull(blueprint);
        _service = service;
        Blueprint = blueprint;
        Form = BlueprintFormModel.From(blueprint);
        WriteTexts(except: null);
    }

    /// <summary>The last blueprint read without problems from any view.</summary>
    public Blueprint Blueprint { get; private set; }

    /// <summary>The YAML view's text.</summary>
    public string Yaml { get; private set; } = "";

    /// <summary>The JSON view's text.</summary>
    public string Json { get; private set; } = "";

    /// <summary>The form view.</summary>
    public BlueprintFormModel Form { get; private set; }

    /// <summary>The problems of the view edited last (with lines for the text views), empty when it reads cleanly.</summary>
    public IReadOnlyList<BlueprintProblem> Problems { get; private set; } = [];

    /// <summary>The text view whose problems <see cref="Problems"/> are, or null (the form, or none).</summary>
    public BlueprintFormat? ProblemsIn { get; private set; }

    /// <summary>True when a text view holds text not read yet (typed within the debounce).</summary>
    public bool Pending { get; private set; }

    /// <summary>True when the views agree and read without problems: what Save stores is what the user sees.</summary>
    public bool IsValid => !Pending && Problems.Count == 0;

    /// <summary>The text of the view <paramref name="format"/>.</summary>
    public string TextOf(BlueprintFormat format) => format == BlueprintFormat.Yaml ? Yaml : Json;

    /// <summary>The user typed in a text view: kept as typed, read later by <see cref="Read"/>.</summary>
    public void Type(BlueprintFormat format, string text)
    {
        if (format == BlueprintFormat.Yaml)
        {
            Yaml = text;
        }
        else
        {
            Json = text;
        }

        Pending = true;
    }

    /// <summary>Reads the text view <paramref name="format"/>; when it reads cleanly, the other views show what it says.</summary>
    public void Read(BlueprintFormat format)
    {
        Pending = false;
        var parsed = _service.Parse(TextOf(format));
        ProblemsIn = format;
        Problems = parsed.Problems;
        if (parsed.IsValid)
        {
            Blueprint = parsed.Blueprint!;
            Form = BlueprintFormModel.From(Blueprint);
            WriteTexts(except: format);
        }
    }

    /// <summary>The user changed the form: both texts show it, and its shape problems (as the service reads them) are listed by path.</summary>
    public void FormChanged()
    {
        Pending = false;
        Blueprint = Form.ToBlueprint();
        WriteTexts(except: null);
        ProblemsIn = null;
        Problems = [.. _service.Parse(Yaml).Problems.Select(p => p with { Line = null })];
    }

    private void WriteTexts(BlueprintFormat? except)
    {
        if (except != BlueprintFormat.Yaml)
        {
            Yaml = _service.Export(Blueprint, BlueprintFormat.Yaml);
        }

        if (except != BlueprintFormat.Json)
        {
            Json = _service.Export(Blueprint, BlueprintFormat.Json);
        }
    }
}
