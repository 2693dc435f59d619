/* test_decode.c - the decoder: 32-bit encodings, compressed expansion, reserved encodings. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "cpu/hart.h"
#include "cpu/insn.h"

static struct insn dec(uint32_t bits)
{
    struct insn in;
    insn_decode(bits, &in);
    return in;
}

static void test_base_integer(void **state)
{
    struct insn in = dec(0x00a50533); /* add a0, a0, a0 */
    assert_int_equal(in.op, OP_ADD);
    assert_int_equal(in.rd, 10);
    assert_int_equal(in.rs1, 10);
    assert_int_equal(in.rs2, 10);
    assert_int_equal(in.len, 4);

    in = dec(0xfff00513); /* addi a0, zero, -1 */
    assert_int_equal(in.op, OP_ADDI);
    assert_int_equal(in.imm, -1);

    in = dec(0x40b50533); /* sub a0, a0, a1 */
    assert_int_equal(in.op, OP_SUB);

    in = dec(0x4035d513); /* srai a0, a1, 3 */
    assert_int_equal(in.op, OP_SRAI);
    assert_int_equal(in.imm, 3);

    in = dec(0x03f59513); /* slli a0, a1, 63 */
    assert_int_equal(in.op, OP_SLLI);
    assert_int_equal(in.imm, 63);

    in = dec(0x123452b7); /* lui t0, 0x12345 */
    assert_int_equal(in.op, OP_LUI);
    assert_int_equal(in.imm, 0x12345000);
}

static void test_immediates(void **state)
{
    struct insn in = dec(0xfe000ee3); /* beq zero, zero, -4 */
    assert_int_equal(in.op, OP_BEQ);
    assert_int_equal(in.imm, -4);

    in = dec(0xffdff0ef); /* jal ra, -4 */
    assert_int_equal(in.op, OP_JAL);
    assert_int_equal(in.rd, 1);
    assert_int_equal(in.imm, -4);

    in = dec(0xfea5bc23); /* sd a0, -8(a1) */
    assert_int_equal(in.op, OP_SD);
    assert_int_equal(in.rs1, 11);
    assert_int_equal(in.rs2, 10);
    assert_int_equal(in.imm, -8);
}

static void test_x0_destination_goes_to_sink(void **state)
{
    struct insn in = dec(0x00100013); /* addi zero, zero, 1 */
    assert_int_equal(in.op, OP_ADDI);
    assert_int_equal(in.rd, HART_X_SINK);

    in = dec(0x30001073); /* csrw mstatus, zero: CSR ops keep rd = 0 (it means "do not read") */
    assert_int_equal(in.op, OP_CSRRW);
    assert_int_equal(in.rd, 0);
    assert_int_equal(in.imm, 0x300);

    in = dec(0x00052007); /* flw ft0, 0(a0): an FP destination f0 is a real register */
    assert_int_equal(in.op, OP_FLW);
    assert_int_equal(in.rd, 0);
}

static void test_extensions(void **state)
{
    assert_int_equal(dec(0x02b50533).op, OP_MUL);
    assert_int_equal(dec(0x02b54533).op, OP_DIV);
    assert_int_equal(dec(0x100525af).op, OP_LR_W);
    assert_int_equal(dec(0x18b535af).op, OP_SC_D);
    assert_int_equal(dec(0xe0b5202f).op, OP_AMOMAXU_W);
    assert_int_equal(dec(0x20b52533).op, OP_SH1ADD);
    assert_int_equal(dec(0x0805053b).op, OP_ADD_UW);      /* add.uw a0, a0, zero = zext.w */
    assert_int_equal(dec(0x60051513).op, OP_CLZ);
    assert_int_equal(dec(0x6b855513).op, OP_REV8);
    assert_int_equal(dec(0x28755513).op, OP_ORC_B);
    assert_int_equal(dec(0x0805453b).op, OP_ZEXT_H);
    assert_int_equal(dec(0x48b51533).op, OP_BCLR);
    assert_int_equal(dec(0x0eb55533).op, OP_CZERO_EQZ);
    assert_int_equal(dec(0x0eb57533).op, OP_CZERO_NEZ);
    assert_int_equal(dec(0x0045200f).op, OP_CBO_ZERO);
    assert_int_equal(dec(0x0015200f).op, OP_CBO_CLEAN);
    assert_int_equal(dec(0x0000100f).op, OP_FENCE_I);
    assert_int_equal(dec(0x12000073).op, OP_SFENCE_VMA);
    assert_int_equal(dec(0x10500073).op, OP_WFI);
    assert_int_equal(dec(0x30200073).op, OP_MRET);
    assert_int_equal(dec(0x10200073).op, OP_SRET);
}

static void test_floating_point(void **state)
{
    struct insn in = dec(0x02b57543); /* fmadd.d fa0, fa0, fa1, ft0, dyn */
    assert_int_equal(in.op, OP_FMADD_D);
    assert_int_equal(in.rs3, 0);
    assert_int_equal(in.rm, 7);
    assert_int_equal(dec(0x4015f553).op, OP_FCVT_S_D);
    assert_int_equal(dec(0x42058553).op, OP_FCVT_D_S);
    assert_int_equal(dec(0xc225f553).op, OP_FCVT_L_D);
    assert_int_equal(dec(0xd231f553).op, OP_FCVT_D_LU);
    assert_int_equal(dec(0xe2059553).op, OP_FCLASS_D);
    assert_int_equal(dec(0xa2b52553).op, OP_FEQ_D);
    assert_int_equal(dec(0xf2050553).op, OP_FMV_D_X);
    assert_int_equal(dec(0x5805f553).op, OP_FSQRT_S);
    assert_int_equal(dec(0x2ab51553).op, OP_FMAX_D);
}

static void test_compressed(void **state)
{
    struct insn in = dec(0x0000c42e); /* c.swsp a1, 8(sp) */
    assert_int_equal(in.op, OP_SW);
    assert_int_equal(in.len, 2);
    assert_int_equal(in.rs1, 2);
    assert_int_equal(in.rs2, 11);
    assert_int_equal(in.imm, 8);

    in = dec(0x00001141); /* c.addi sp, -16 */
    assert_int_equal(in.op, OP_ADDI);
    assert_int_equal(in.rd, 2);
    assert_int_equal(in.imm, -16);

    in = dec(0x00006105); /* c.addi16sp sp, 32 */
    assert_int_equal(in.op, OP_ADDI);
    assert_int_equal(in.imm, 32);

    in = dec(0x00000028); /* c.addi4spn a0, sp, 8 */
    assert_int_equal(in.op, OP_ADDI);
    assert_int_equal(in.rd, 10);
    assert_int_equal(in.rs1, 2);
    assert_int_equal(in.imm, 8);

    in = dec(0x0000bfd5); /* c.j -12 */
    assert_int_equal(in.op, OP_JAL);
    assert_int_equal(in.rd, HART_X_SINK);
    assert_int_equal(in.imm, -12);

    in = dec(0x00008082); /* c.jr ra (ret) */
    assert_int_equal(in.op, OP_JALR);
    assert_int_equal(in.rs1, 1);

    in = dec(0x00009002); /* c.ebreak */
    assert_int_equal(in.op, OP_EBREAK);

    in = dec(0x0000e119); /* c.bnez a0, 6 */
    assert_int_equal(in.op, OP_BNE);
    assert_int_equal(in.rs1, 10);
    assert_int_equal(in.imm, 6);

    in = dec(0x00008d0d); /* c.sub a0, a1 */
    assert_int_equal(in.op, OP_SUB);
    assert_int_equal(in.rd, 10);
    assert_int_equal(in.rs2, 11);

    in = dec(0x00002522); /* c.fldsp fa0, 8(sp) */
    assert_int_equal(in.op, OP_FLD);
    assert_int_equal(in.rd, 10);
    assert_int_equal(in.imm, 8);
}

static void test_reserved_encodings_are_illegal(void **state)
{
    assert_int_equal(dec(0x00000000).op, OP_ILLEGAL); /* all-zero parcel */
    assert_int_equal(dec(0xffffffff).op, OP_ILLEGAL);
    assert_int_equal(dec(0x00006101).op, OP_ILLEGAL); /* c.addi16sp with imm 0 */
    assert_int_equal(dec(0x00006501).op, OP_ILLEGAL); /* c.lui with imm 0 */
    assert_int_equal(dec(0x00004002).op, OP_ILLEGAL); /* c.lwsp rd = 0 */
    assert_int_equal(dec(0x00008002).op, OP_ILLEGAL); /* c.jr rs1 = 0 */
    assert_int_equal(dec(0x00002001).op, OP_ILLEGAL); /* c.addiw rd = 0 */
    assert_int_equal(dec(0x00009c41).op, OP_ILLEGAL); /* reserved C.SUBW-group encoding */
    assert_int_equal(dec(0x00004073).op, OP_ILLEGAL); /* SYSTEM funct3 = 4 */
    assert_int_equal(dec(0x02b51533).op, OP_MULH);
    assert_int_equal(dec(0x00b51573).op, OP_CSRRW);
    assert_int_equal(dec(0x0020a053).op, OP_FADD_S);
    assert_int_equal(dec(0x0420a053).op, OP_ILLEGAL); /* fmt = 2 (Q) is not implemented */
    assert_int_equal(dec(0x04b50533).op, OP_ILLEGAL); /* funct7 0x02 in OP */
}

static void test_names_cover_every_op(void **state)
{
    for (unsigned op = 0; op < OP_COUNT; op++)
        assert_non_null(insn_names[op]);
    assert_true(insn_flags[OP_JAL] & INSN_END);
    assert_false(insn_flags[OP_ADD] & INSN_END);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_base_integer),
        cmocka_unit_test(test_immediates),
        cmocka_unit_test(test_x0_destination_goes_to_sink),
        cmocka_unit_test(test_extensions),
        cmocka_unit_test(test_floating_point),
        cmocka_unit_test(test_compressed),
        cmocka_unit_test(test_reserved_encodings_are_illegal),
        cmocka_unit_test(test_names_cover_every_op),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
