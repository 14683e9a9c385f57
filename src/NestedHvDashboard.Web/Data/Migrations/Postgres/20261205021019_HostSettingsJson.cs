using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace NestedHvDashboard.Web.Data.Migrations.Postgres
{
    /// <summary>
    /// Hosts' settings move from the hand-serialized <c>SettingsJson</c> (text) to the JSON-mapped <c>Settings</c> (jsonb):
    /// the same camel-case JSON, without the <c>name</c> (the row's own column). A row whose text is not JSON is kept as a
    /// JSON string holding that text (the store leaves it out and reports it, as before).
    /// </summary>
    public partial class HostSettingsJson : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.RenameColumn(
                name: "SettingsJson",
                table: "Hosts",
                newName: "Settings");

            migrationBuilder.Sql(
                """
                CREATE FUNCTION pg_temp.nhv_host_settings(settings text) RETURNS jsonb LANGUAGE plpgsql AS $$
                BEGIN
                    RETURN settings::jsonb - 'name' - 'password';
                EXCEPTION WHEN others THEN
                    RETURN to_jsonb(settings);
                END
                $$;
                ALTER TABLE "Hosts" ALTER COLUMN "Settings" TYPE jsonb USING pg_temp.nhv_host_settings("Settings");
                DROP FUNCTION pg_temp.nhv_host_settings(text);
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            // The earlier store reads the name from the JSON (a required property): put it back.
            migrationBuilder.Sql(
                """
                ALTER TABLE "Hosts" ALTER COLUMN "Settings" TYPE text USING (
                    CASE WHEN jsonb_typeof("Settings") = 'object' THEN ("Settings" || jsonb_build_object('name', "Name"))::text
                         WHEN jsonb_typeof("Settings") = 'string' THEN "Settings" #>> '{}'
                         ELSE "Settings"::text END);
                """);

            migrationBuilder.RenameColumn(
                name: "Settings",
                table: "Hosts",
                newName: "SettingsJson");
        }
    }
}
