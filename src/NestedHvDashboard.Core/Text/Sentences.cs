namespace NestedHvDashboard.Core.Text;

/// <summary>Joining messages meant to be read as sentences.</summary>
public static class Sentences
{
    /// <summary>
    /// <paramref name="message"/> and the <paramref name="fix"/> as separate sentences ("… . Fix: …"): trailing blanks
    /// trimmed and a period added when the message does not end with a sentence's punctuation.
    /// </summary>
    public static string WithFix(string message, string fix)
    {
        ArgumentNullException.ThrowIfNull(message);
        ArgumentNullException.ThrowIfNull(fix);
        var said = message.TrimEnd();
        return said.Length == 0 ? $"Fix: {fix.Trim()}" : $"{Ended(said)} Fix: {fix.Trim()}";
    }

    /// <summary><paramref name="text"/> trimmed, ending with a period unless it already ends with . ! ? or ….</summary>
    public static string Ended(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var said = text.TrimEnd();
        return said.Length == 0 || said[^1] is '.' or '!' or '?' or '…' ? said : said + ".";
    }
}
