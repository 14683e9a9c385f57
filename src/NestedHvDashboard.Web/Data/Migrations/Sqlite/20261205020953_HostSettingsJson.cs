using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace NestedHvDashboard.Web.Data.Migrations.Sqlite
{
    /// <summary>
    /// Hosts' settings move from the hand-serialized <c>SettingsJson</c> to the JSON-mapped <c>Settings</c>: the same
    /// camel-case JSON, without the <c>name</c> (the row's own column). A row that is not a JSON object is kept as it is
    /// (the store leaves it out and reports it, as before).
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
                UPDATE "Hosts" SET "Settings" = json_remove("Settings", '$.name', '$.password')
                WHERE json_valid("Settings") AND json_type("Settings") = 'object';
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            // The earlier store reads the name from the JSON (a required property): put it back.
            migrationBuilder.Sql(
                """
                UPDATE "Hosts" SET "Settings" = json_set("Settings", '$.name', "Name")
                WHERE json_valid("Settings") AND json_type("Settings") = 'object';
                """);

            migrationBuilder.RenameColumn(
                name: "Settings",
                table: "Hosts",
                newName: "SettingsJson");
        }
    }
}
