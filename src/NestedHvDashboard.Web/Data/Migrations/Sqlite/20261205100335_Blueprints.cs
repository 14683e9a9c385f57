using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace NestedHvDashboard.Web.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class Blueprints : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "BlueprintRuns",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    Blueprint = table.Column<string>(type: "TEXT", maxLength: 128, nullable: false),
                    NormalizedBlueprint = table.Column<string>(type: "TEXT", maxLength: 128, nullable: false),
                    StartedBy = table.Column<string>(type: "TEXT", maxLength: 256, nullable: false),
                    StartedAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    EndedAt = table.Column<DateTime>(type: "TEXT", nullable: true),
                    State = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    Steps = table.Column<string>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_BlueprintRuns", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "Blueprints",
                columns: table => new
                {
                    Id = table.Column<int>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    Name = table.Column<string>(type: "TEXT", maxLength: 128, nullable: false),
                    NormalizedName = table.Column<string>(type: "TEXT", maxLength: 128, nullable: false),
                    Json = table.Column<string>(type: "TEXT", nullable: false),
                    UpdatedAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    UpdatedBy = table.Column<string>(type: "TEXT", maxLength: 256, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Blueprints", x => x.Id);
                });

            migrationBuilder.CreateIndex(
                name: "IX_BlueprintRuns_NormalizedBlueprint_StartedAt",
                table: "BlueprintRuns",
                columns: new[] { "NormalizedBlueprint", "StartedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_Blueprints_NormalizedName",
                table: "Blueprints",
                column: "NormalizedName",
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "BlueprintRuns");

            migrationBuilder.DropTable(
                name: "Blueprints");
        }
    }
}
