using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Portal.Migrations
{
    /// <inheritdoc />
    public partial class AgoraCallWindows : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "AgoraCallWindows",
                columns: table => new
                {
                    AgoraAccountId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Second = table.Column<long>(type: "INTEGER", nullable: false),
                    Calls = table.Column<int>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_AgoraCallWindows", x => new { x.AgoraAccountId, x.Second });
                    table.ForeignKey(
                        name: "FK_AgoraCallWindows_AgoraAccounts_AgoraAccountId",
                        column: x => x.AgoraAccountId,
                        principalTable: "AgoraAccounts",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "AgoraCallWindows");
        }
    }
}
