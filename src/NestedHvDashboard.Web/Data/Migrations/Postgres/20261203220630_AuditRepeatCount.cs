using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace NestedHvDashboard.Web.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class AuditRepeatCount : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<int>(
                name: "RepeatCount",
                table: "AuditEntries",
                type: "integer",
                nullable: false,
                defaultValue: 1);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "RepeatCount",
                table: "AuditEntries");
        }
    }
}
